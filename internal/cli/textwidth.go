package cli

import (
	"io"
	"strings"

	"golang.org/x/text/width"
)

// textWidth is the number of terminal columns s takes: two for an East
// Asian wide or full-width character (Unicode's East_Asian_Width W or F,
// golang.org/x/text/width), one for any other. text/tabwriter counts one
// column a character, so the demos' Chinese tables are aligned with
// textWidth instead.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		w++
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w++
		}
	}
	return w
}

// pad right-pads s with spaces to width columns as textWidth counts them.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-textWidth(s)))
}

// writeRightAligned prints rows as newTable does (each column as wide as
// its widest cell plus 3 spaces, cells right-aligned) but measures cells
// with textWidth, so a table with Chinese cells lines up in a terminal.
func writeRightAligned(w io.Writer, rows [][]string) error {
	var widths []int
	for _, r := range rows {
		for j, c := range r {
			if j == len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], textWidth(c)+3)
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for j, c := range r {
			b.WriteString(strings.Repeat(" ", widths[j]-textWidth(c)))
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
