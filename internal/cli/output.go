package cli

import (
	"encoding/json"
	"fmt"
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

// outFile is a file a command writes on request: what it holds ("model",
// "plot") and its path, "" when it was not asked for.
type outFile struct{ what, path string }

// printWritten says which files a command wrote, one line each in the order
// given, "plot written to FILE", skipping those not asked for: the last
// lines of every command's text output. With --json the paths are fields of
// the JSON object instead.
func printWritten(w io.Writer, files ...outFile) {
	for _, f := range files {
		if f.path != "" {
			fmt.Fprintf(w, "%s written to %s\n", f.what, f.path)
		}
	}
}
