package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// reportFigures returns, for each <figure class="plot"> of an HTML page,
// its heading text and the text inside its SVG.
func reportFigures(t *testing.T, page []byte) (titles, svgText []string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var text func(*html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c) + " ")
		}
		return b.String()
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "figure" {
			for _, a := range n.Attr {
				if a.Key == "class" && strings.Contains(a.Val, "plot") {
					var title, svg string
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type == html.ElementNode && c.Data == "h3" {
							title = text(c)
						}
					}
					var find func(*html.Node)
					find = func(m *html.Node) {
						if m.Type == html.ElementNode && m.Data == "svg" {
							svg += text(m)
						}
						for c := m.FirstChild; c != nil; c = c.NextSibling {
							find(c)
						}
					}
					find(n)
					titles, svgText = append(titles, strings.TrimSpace(title)), append(svgText, svg)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return titles, svgText
}

// checkDemoReport checks the demo report's figures: at least three, the
// first the data with the textbook run's line and the exact line, labelled
// with their coefficients (0.696355·x + 1.852128 after 1000 epochs at 0.01,
// and 0.6·x + 2.2: the numbers the demo prints).
func checkDemoReport(t *testing.T, page []byte) {
	t.Helper()
	titles, svgs := reportFigures(t, page)
	if len(titles) < 3 {
		t.Fatalf("%d figures %q, want at least 3", len(titles), titles)
	}
	if titles[0] != "The data with the fitted lines" {
		t.Errorf("first figure %q", titles[0])
	}
	for _, want := range []string{"data (n = 5)", "textbook GD: 0.6964·x + 1.8521", "exact least squares: 0.6·x + 2.2"} {
		if !strings.Contains(svgs[0], want) {
			t.Errorf("the data figure lacks %q; its text: %s", want, svgs[0])
		}
	}
}

func TestDemoReportFigures(t *testing.T) {
	page := filepath.Join(t.TempDir(), "demo.html")
	demoOut(t, "demo", "--report", page)
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	checkDemoReport(t, b)
}

// TestFitReportExactLine: the report of a one-feature iterative fit draws
// the exact line beside the fitted one.
func TestFitReportExactLine(t *testing.T) {
	page := filepath.Join(t.TempDir(), "fit.html")
	var out, errb bytes.Buffer
	Main(context.Background(), []string{"fit", filepath.Join("..", "..", "docs", "data", "textbook.csv"), "--solver", "gd",
		"--lr", "0.01", "--epochs", "1000", "--standardize=false", "--report", page}, IO{Out: &out, Err: &errb})
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	_, svgs := reportFigures(t, b)
	if len(svgs) == 0 || !strings.Contains(svgs[0], "fitted model") || !strings.Contains(svgs[0], "exact solution (qr)") {
		t.Errorf("the fit figure lacks the fitted or the exact line")
	}
}

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// TestDemoReportBrowser opens the real demo report in headless Chromium and
// checks the figures in the DOM Chromium builds, as the report package's
// TestBrowser does for its fixture. One Chromium start, about 5 s: skipped
// with -short or without Chromium.
func TestDemoReportBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium (about 5 s); skipped with -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no %s (Debian package chromium)", chromiumPath)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "demo.html")
	demoOut(t, "demo", "--report", page)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.Bytes())
	}
	checkDemoReport(t, dom)
}
