// Package expr parses model expressions over data columns and named
// parameters, and evaluates them, with exact first derivatives, over all rows
// of a data set at once.
//
// # Syntax
//
// An expression is built from
//
//	numbers      1   .5   2.   1e-3   2.5E+4
//	names        letters, digits and '_', not starting with a digit (b1, x, conc_2),
//	             or any text without a backquote in backquotes (`conc (mg/L)`)
//	operators    + - * /   ^ and ** (power, right-associative)   unary - and +
//	parentheses  ( )
//	functions    exp log ln sqrt sin cos tan atan arctan abs   pow(a, b)
//	constant     pi
//
// Precedence, from loosest to tightest: + and -; * and /; unary minus; power.
// So -x^2 is -(x^2), 2^-1 is 0.5, and a^b^c is a^(b^c), as in mathematics.
// Square brackets are accepted as parentheses because the NIST StRD model
// statements use them (exp[-b2*x]). Function names and pi are reserved:
// written plainly they are the function or the constant; in backquotes
// (`pi`) they are names like any other.
//
// # Evaluation
//
// [Parse] turns source into an [Expr]; [Expr.Compile] says which names are
// parameters and which are data columns, and yields a [Program]: a flat
// instruction tape evaluated column-wise over blocks of rows, so evaluation
// allocates nothing per row. [Program.Eval] computes the model at every row;
// [Program.Jacobian] and [Program.EvalJacobian] add the exact partial
// derivatives with respect to every parameter, computed by forward-mode
// automatic differentiation (each tape slot carries its value and its
// derivative with respect to each parameter it depends on; the dependency sets
// are found at compile time, so a slot that does not depend on a parameter
// carries no derivative for it).
//
// Arithmetic follows IEEE 754: division by zero, the log of a negative number
// and similar give ±Inf or NaN at that row, and the caller detects them (for
// example with [FirstNonFinite]) and reports the row.
//
// A Program holds its own work space and is not safe for concurrent use;
// [Program.Clone] gives an independent copy.
package expr // import "github.com/lsqgo/lsq/expr"
