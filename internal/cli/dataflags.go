package cli

import (
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/lsqgo/lsq/data"
)

// dataFlags are the options every command that reads a data file shares.
type dataFlags struct {
	Target    string
	Features  string
	Weights   string
	Delimiter string
	exclude   []string // columns that are no default feature (cv's --foldid)
}

func (d *dataFlags) register(fs *pflag.FlagSet, withTarget bool) {
	if withTarget {
		fs.StringVar(&d.Target, "target", "y", "name of the response column")
		fs.StringVar(&d.Weights, "weights", "", "column of observation weights (weighted least squares)")
	}
	fs.StringVar(&d.Features, "features", "", "comma-separated feature columns (default: every other column)")
	fs.StringVar(&d.Delimiter, "delimiter", "", `field delimiter (default ",", or tab for .tsv files); "\t" or "tab" for tab`)
}

func (d *dataFlags) options() (*data.Options, error) {
	opts := &data.Options{Target: d.Target, Weights: d.Weights}
	if f := strings.TrimSpace(d.Features); f != "" {
		for _, name := range strings.Split(f, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				return nil, usagef("--features %q has an empty name; give names separated by commas", d.Features)
			}
			opts.Features = append(opts.Features, name)
		}
	}
	switch d.Delimiter {
	case "":
	case `\t`, "tab", "\t":
		opts.Delimiter = '\t'
	default:
		r, size := utf8.DecodeRuneInString(d.Delimiter)
		if size != len(d.Delimiter) || r >= utf8.RuneSelf || r == '"' || r == '\n' || r == '\r' {
			return nil, usagef("--delimiter %q must be one ASCII character other than a quote or newline", d.Delimiter)
		}
		opts.Delimiter = r
	}
	return opts, nil
}

// load reads path ("-" for standard input) with the flags' options.
func (d *dataFlags) load(path string, stdio IO) (*data.Frame, error) {
	opts, err := d.options()
	if err != nil {
		return nil, err
	}
	return readData(path, opts, stdio)
}

func readData(path string, opts *data.Options, stdio IO) (*data.Frame, error) {
	if path == "-" {
		return data.ReadCSV(stdio.In, "<stdin>", opts)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory; give a .csv or .parquet file", path)
	}
	return data.ReadFile(path, opts)
}
