package data

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// TextTable is a data file's cells as text, for callers that decide per
// column what the cells mean: numbers, categories or missing values (R's
// read.csv, pandas' read_csv). It is read by the standard CSV reader, not
// the parallel numeric one: use it for the modest tables that need it.
type TextTable struct {
	File  string     // display name, for errors
	Names []string   // column names, in file order
	Cells [][]string // Cells[j][i]: column j, row i, without surrounding spaces
	Lines []int      // the 1-based file line of each row (for Parquet, the row + 1)
}

// Rows returns the number of data rows.
func (t *TextTable) Rows() int { return len(t.Lines) }

// Col returns the index of the named column, or −1.
func (t *TextTable) Col(name string) int {
	for j, n := range t.Names {
		if n == name {
			return j
		}
	}
	return -1
}

// ReadText reads a CSV stream with a header row as text. Empty lines are
// skipped; a record with a different number of fields than the header is
// an *Error naming its line.
func ReadText(r io.Reader, name string, delim rune) (*TextTable, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	if delim != 0 {
		cr.Comma = delim
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	t := &TextTable{File: name}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &Error{File: name, Line: pe.Line, Col: pe.Column, Msg: pe.Err.Error(), Hint: "fix the quoting of the record"}
			}
			return nil, &Error{File: name, Msg: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		if t.Names == nil {
			if len(rec) > 0 {
				rec[0] = strings.TrimPrefix(rec[0], "\uFEFF")
			}
			seen := map[string]int{}
			for i := range rec {
				rec[i] = strings.TrimSpace(rec[i])
				if j, dup := seen[rec[i]]; dup && rec[i] != "" {
					return nil, &Error{File: name, Line: line, Col: i + 1, Column: rec[i],
						Msg: fmt.Sprintf("duplicate column name %q (also column %d)", rec[i], j+1), Hint: "rename one of them"}
				}
				seen[rec[i]] = i
			}
			t.Names = rec
			t.Cells = make([][]string, len(rec))
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(t.Names) {
			return nil, &Error{File: name, Line: line, Msg: fmt.Sprintf("%d fields where the header has %d", len(rec), len(t.Names)),
				Hint: "every record needs one value per column (leave a missing value empty or write NA)"}
		}
		for j, v := range rec {
			t.Cells[j] = append(t.Cells[j], strings.TrimSpace(v))
		}
		t.Lines = append(t.Lines, line)
	}
	if t.Names == nil {
		return nil, &Error{File: name, Msg: "the file is empty", Hint: "a header row and data rows are needed"}
	}
	if len(t.Lines) == 0 {
		return nil, &Error{File: name, Line: 1, Msg: "no data rows after the header", Hint: "add data rows"}
	}
	return t, nil
}

// ReadTextFile reads a data file as text, choosing the reader from the name
// as ReadFile does; a Parquet file's numeric columns are formatted in the
// shortest form that reads back to the same float64.
func ReadTextFile(path string, delim rune) (*TextTable, error) {
	if path == Stdin {
		return ReadText(os.Stdin, StdinName, delim)
	}
	if isParquet(path) {
		tab, err := ReadTableFile(path, nil, nil)
		if err != nil {
			return nil, err
		}
		t := &TextTable{File: path, Names: tab.Names, Cells: make([][]string, len(tab.Names)), Lines: make([]int, tab.N)}
		for i := range t.Lines {
			t.Lines[i] = i + 1
		}
		for j, c := range tab.Columns {
			t.Cells[j] = make([]string, len(c))
			for i, v := range c {
				t.Cells[j][i] = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
		return t, nil
	}
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if delim == 0 && strings.EqualFold(path[max(0, len(path)-4):], ".tsv") {
		delim = '\t'
	}
	return ReadText(f, path, delim)
}

// ParseNumber parses a cell as the numeric readers do (the syntax of
// strconv.ParseFloat without digit separators). text is true when the cell
// is not a number at all; bad is a message for a number that cannot be
// fitted (NaN, an infinity, an overflow), "" otherwise.
func ParseNumber(s string) (v float64, text bool, bad string) {
	v, prob := parseField([]byte(s))
	switch prob {
	case fieldOK:
		return v, false, ""
	case fieldNonFinite:
		return 0, false, "is not a finite number"
	case fieldOverflow:
		return 0, false, "is too large for a float64"
	}
	return 0, true, ""
}
