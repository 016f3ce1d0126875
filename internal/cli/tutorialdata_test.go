package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var updateTutorial = flag.Bool("update-tutorial-data", false, "rewrite the tutorial's generated data files in docs/data")

// tutorialData are the CSV files of docs/data that the demos generate: the
// files hold exactly the demos' data (shortest round-trip decimals), so a
// command in the tutorial and a demo see the same rows. Run with
// -update-tutorial-data to rewrite them.
func tutorialData() map[string]string {
	csv := func(header string, cols ...[]float64) string {
		var b bytes.Buffer
		b.WriteString(header + "\n")
		for i := range cols[0] {
			for j, c := range cols {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatFloat(c[i], 'g', -1, 64))
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	x, y, _ := regData()
	var cols [][]float64
	for j := range 5 {
		cols = append(cols, make([]float64, len(y)))
		for i := range y {
			cols[j][i] = x.At(i, j)
		}
	}
	cx, cy := curvedData()
	m := misra1a()
	return map[string]string{
		"features.csv": csv("x1,x2,x3,x4,x5,y", append(cols, y)...),
		"curved.csv":   csv("x,y", cx, cy),
		"textbook.csv": csv("x,y", demoX, demoY),
		"misra1a.csv":  csv("x,y", m.X["x"], m.Y),
	}
}

func TestTutorialData(t *testing.T) {
	for name, want := range tutorialData() {
		path := filepath.Join("..", "..", "docs", "data", name)
		if *updateTutorial {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s differs from the demo's data; rerun with -update-tutorial-data", path)
		}
	}
}
