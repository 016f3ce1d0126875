package data

import (
	"fmt"
	"strconv"
	"strings"
)

// Error describes a problem with an input file: where it is and what to do
// about it. Line and Col are 1-based; Col is the index of the field in its
// record (1 for the first column). A zero Line or Col means the problem is
// not tied to one line or one field.
type Error struct {
	File   string // display name of the input: the file name, or "<stdin>"
	Line   int    // 1-based line in the file, 0 when not applicable
	Col    int    // 1-based field index, 0 when not applicable
	Column string // header name of the column, when known
	Msg    string // what is wrong
	Hint   string // what to do about it, may be empty
}

// Error returns "file:line:col: message; hint", leaving out the parts that
// are zero or empty.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// ListNames formats names (of columns, features, targets) for a message, eliding the middle
// of very long lists.
func ListNames(names []string) string {
	const max = 20
	q := make([]string, 0, min(len(names), max+1))
	for i, n := range names {
		if len(names) > max && i == max-2 {
			q = append(q, "... ("+strconv.Itoa(len(names)-max+1)+" more)")
			q = append(q, strconv.Quote(names[len(names)-1]))
			break
		}
		q = append(q, strconv.Quote(n))
	}
	return strings.Join(q, ", ")
}

// MissingColumn is the error of a column the header of file lacks: its
// name, its role in the model ("target", "feature", "weight"; "" for
// none) and the columns there are.
func MissingColumn(file string, header []string, name, role string) *Error {
	if role != "" {
		role = " (" + role + ")"
	}
	return &Error{File: file, Line: 1, Column: name, Msg: fmt.Sprintf("no column named %q%s", name, role), Hint: columnsHint(header)}
}

// columnsHint is the hint of an error naming a column the header lacks: the
// columns there are, and SplitHint when it applies.
func columnsHint(header []string) string {
	h := "the columns are " + ListNames(header)
	if s := SplitHint(header); s != "" {
		h += "; " + s
	}
	return h
}

// SplitHint says, when the header was read as one column whose name holds
// a common field separator, that the file seems to use that separator: the
// usual cause of every column being "not found". It is "" otherwise.
func SplitHint(header []string) string {
	if len(header) != 1 {
		return ""
	}
	for _, sep := range []struct{ text, flag string }{{";", "';'"}, {"\t", "tab"}, {"|", "'|'"}, {",", "','"}} {
		if strings.Contains(header[0], sep.text) {
			return fmt.Sprintf("the header is one column: if %q separates the fields, read the file with that delimiter (lsq: --delimiter %s)", sep.text, sep.flag)
		}
	}
	return ""
}
