package linear

import xdd "github.com/lsqgo/lsq/internal/dd"

// dd is a double-double number (package internal/dd): the working precision
// of the accurate QR path.
type dd = xdd.DD
