package cli

import "strings"

// shellQuote joins args into a line a POSIX shell splits back into the same
// words, for the command line a report records: words made only of safe
// characters stay bare, others are put in single quotes, a single quote
// inside closed, escaped and reopened:
//
//	it's  →  'it'\''s'
func shellQuote(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+.,/:@%^") == "" {
			b.WriteString(a)
			continue
		}
		b.WriteByte('\'')
		b.WriteString(strings.ReplaceAll(a, `'`, `'\''`))
		b.WriteByte('\'')
	}
	return b.String()
}
