package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// chromium is where Debian's chromium package puts the browser.
const chromium = "/usr/bin/chromium"

// Browser window for the test, and so the screenshot size.
const browserW, browserH = 1200, 1600

// runChromium runs headless Chromium on the page with the flags that keep
// it off the network and away from any profile, plus extra. It may run on
// any goroutine: it reports failure by its error.
func runChromium(ctx context.Context, profile, page string, extra ...string) ([]byte, error) {
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile,
		"--window-size=1200,1600",
	}
	args = append(args, extra...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, chromium, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("chromium %v: %v\n%s", extra, err, stderr.Bytes())
	}
	return out, nil
}

// TestBrowser opens the demo report in headless Chromium: the screenshot
// must be a non-blank 1200×1600 image and the DOM Chromium builds must
// hold the coefficient table and every plot as inline SVG. Each Chromium
// start takes about 10 s, so the test is skipped with -short; run it with
//
//	go test ./report -run TestBrowser -v
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium twice (about 10 s); skipped with -short")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no %s (Debian package chromium): %v", chromium, err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, writeHTML(t, demoReport(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// The screenshot and the DOM dump need one browser start each; run
	// them side by side.
	shot := filepath.Join(dir, "shot.png")
	var (
		dom    []byte
		domErr error
		done   = make(chan struct{})
		p1, p2 = t.TempDir(), t.TempDir()
	)
	go func() {
		defer close(done)
		dom, domErr = runChromium(ctx, p1, page, "--dump-dom")
	}()
	_, shotErr := runChromium(ctx, p2, page, "--screenshot="+shot, "--hide-scrollbars")
	<-done
	if shotErr != nil || domErr != nil {
		t.Fatalf("screenshot: %v\ndump-dom: %v", shotErr, domErr)
	}

	raw, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if sz := img.Bounds().Size(); sz.X != browserW || sz.Y != browserH {
		t.Errorf("screenshot is %v, want %dx%d", sz, browserW, browserH)
	}
	// Text, tables and plots on a white page: many colours and a few
	// percent of non-white pixels; a blank or failed page has one colour.
	if n := colours(img, 50); n < 50 {
		t.Errorf("screenshot has %d colours, looks blank", n)
	}
	b := img.Bounds()
	var ink int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	// The first screen holds the tables and the demo figure: at least 2%
	// of it is drawn (measured: 3.9%).
	frac := float64(ink) / float64(b.Dx()*b.Dy())
	t.Logf("%.2f%% of the screenshot is not white", 100*frac)
	if frac < 0.02 {
		t.Errorf("only %.2f%% of the screenshot is not white", 100*frac)
	}

	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	checkDOM(t, doc, demoFigures, []string{"term", "estimate", "std error", "t", "p", "95% CI low", "95% CI high"})
}
