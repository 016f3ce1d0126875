package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestWriteRightAligned: on ASCII cells writeRightAligned prints what
// newTable (text/tabwriter) prints, the other code path; with Chinese cells,
// which tabwriter counts as one column each, every line of the table ends at
// the same terminal column and each column's right edge lines up, counting a
// Han character or full-width punctuation as two columns.
func TestWriteRightAligned(t *testing.T) {
	ascii := [][]string{{"run", "ratio", "status"}, {"sigmoid, small init", "4.5e-07", "iteration-limit"}, {"relu", "0.437", "diverged"}}
	var got, want bytes.Buffer
	if err := writeRightAligned(&got, ascii); err != nil {
		t.Fatal(err)
	}
	tw := newTable(&want)
	for _, r := range ascii {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
	if got.String() != want.String() {
		t.Errorf("ASCII table:\n%s\ntabwriter prints:\n%s", got.String(), want.String())
	}

	zh := [][]string{{"网络", "比值（第 1 轮）", "状态"}, {"梯度消失：sigmoid", "4.5e-07", "iteration-limit"}, {"ReLU，He 初始化", "0.437", "diverged"}}
	got.Reset()
	if err := writeRightAligned(&got, zh); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
	if len(lines) != len(zh) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(zh), got.String())
	}
	// The right edge of column j is the width of the line up to the end of
	// its cell; it must be the same on every line.
	for j := range zh[0] {
		edge := -1
		for i, l := range lines {
			end := 0
			for k := 0; k <= j; k++ {
				end = strings.Index(l[end:], zh[i][k]) + end + len(zh[i][k])
			}
			if e := textWidth(l[:end]); edge == -1 {
				edge = e
			} else if e != edge {
				t.Errorf("column %d ends at %d on line %d, at %d on line 0:\n%s", j, e, i, edge, got.String())
			}
		}
	}
	if w := textWidth("梯度（L2）：a"); w != 13 {
		t.Errorf("textWidth = %d, want 13 (5 wide characters, 3 narrow)", w)
	}
}
