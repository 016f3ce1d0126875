package cli

import (
	"fmt"

	"github.com/lsqgo/lsq/internal/english"
)

// streamedMoments says how a streamed lasso read its data: one pass folding
// the files into the QR accumulator, whose moments coordinate descent
// works on.
func streamedMoments(files, features int) string {
	return fmt.Sprintf("one pass over %s, coordinate descent on the moments of its QR factor (%s)", english.Count(files, "file"), streamPrecision(features))
}
