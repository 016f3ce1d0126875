// Package english writes counts with their nouns, so that every message
// reads "1 epoch" and "2 epochs", never "1 epochs" or "epoch(s)".
package english

import "strconv"

// Count returns n followed by word, with an s unless n is 1: "1 epoch",
// "0 epochs", "811 epochs". word is a noun whose plural adds an s.
func Count[T ~int | ~int64](n T, word string) string {
	return strconv.FormatInt(int64(n), 10) + " " + Noun(float64(n), word)
}

// Noun returns word when the count x is 1 and word with an s otherwise, for
// a count printed by the caller (pass x as printed, rounded: "~1 step").
func Noun(x float64, word string) string {
	if x == 1 {
		return word
	}
	return word + "s"
}
