package cli

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"text/tabwriter"

	"golang.org/x/term"
)

// writeJSON writes v as one indented JSON object and a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonFloat is a float64 that encodes NaN and ±Inf as null instead of failing.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// newTable returns a right-aligned table writer for coefficient tables.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
}
