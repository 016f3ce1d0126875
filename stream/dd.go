package stream

import xdd "github.com/lsqgo/lsq/internal/dd"

// dd is a double-double number (package internal/dd): the working precision
// of the double-double accumulator.
type dd = xdd.DD
