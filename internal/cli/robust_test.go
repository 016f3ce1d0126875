package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests in this file back the table in docs/errors.md: every bad input
// with its exact exit code, the message it gets and the promise that no
// output file is written or changed. The scripts errors_*.txtar show the
// accepted inputs and degenerate designs as a user would type them.

// runLSQ runs the command line in-process with "$D" in args replaced by dir.
func runLSQ(dir string, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	full := make([]string, len(args))
	for i, a := range args {
		full[i] = strings.ReplaceAll(a, "$D", dir)
	}
	var out, errb bytes.Buffer
	code = Main(context.Background(), full, IO{In: stdin, Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// errorFixtures are the input files of the bad-input table.
var errorFixtures = map[string]string{
	"tut.csv":     "x,y\n1,2\n2,4\n3,5\n4,4\n5,5\n",
	"empty.csv":   "",
	"header.csv":  "x,y\n",
	"abc.csv":     "x,y\n1,2\n2,abc\n",
	"nan.csv":     "x,y\n1,NaN\n",
	"inf.csv":     "x,y\nInf,1\n",
	"minf.csv":    "x,y\n1,-inf\n",
	"big.csv":     "x,y\n1,2\n2,1e400\n",
	"hex.csv":     "x,y\n1,0x10\n2,3\n",
	"us.csv":      "x,y\n1,1_000\n2,3\n",
	"ragged.csv":  "x,y\n1,2\n2,4,5\n",
	"short.csv":   "x,y\n1,2\n2\n",
	"dup.csv":     "x,x,y\n1,2,3\n",
	"openq.csv":   "x,y\n1,2\n\"2,4\n",
	"binary.csv":  "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
	"negw.csv":    "x,w,y\n1,1,2\n2,-1,4\n3,1,5\n",
	"zerow.csv":   "x,w,y\n1,0,2\n2,0,4\n3,0,5\n",
	"zerow2.csv":  "x,w,y1,y2\n1,0,2,1\n2,0,4,3\n3,0,5,2\n",
	"bad.parquet": "x,y\n1,2\n",
	"huge.csv":    "x,y\n1,1e200\n2,3e200\n3,2e200\n4,5e200\n5,4e200\n",
	"ovf.csv":     "x,y\n1,1e300\n2,-1e300\n3,1.5e308\n",
	"negx.csv":    "x,y\n1,2\n-2,4\n3,5\n0,4\n5,5\n",
	"c.csv":       "x,y\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n5,10.1\n",
	"ab.csv":      "a,b,y\n1,2,3\n2,1,4\n3,5,9\n4,3,8\n5,7,13\n6,2,9\n7,8,16\n8,1,10\n9,9,19\n10,4,15\n",
	"other.csv":   "a,y\n1,2\n",
	"text.csv":    "g,x,y\na,1,2\nb,2,4\na,3,5\nb,4,4\n",
	"semi.csv":    "x;y\n1;2\n2;4\n3;5\n",
	"bx.csv":      "x\n1\n1e308\n",
	"neg.csv":     "x,y\n2,4\n-1,2\n",
	"net1.json": `{"format": "lsq-model", "version": 1, "kind": "net", "target": "y", "features": ["x"], "fit_intercept": true,
		"net": {"version": 1, "targets": ["y"], "hidden": [], "activations": [], "params": [1, 0.5], "target_center": [0], "target_scale": [1]}}`,
	"ten.json":    `{"format": "lsq-model", "version": 1, "kind": "linear", "target": "y", "features": ["x"], "coef": [10], "intercept": 0}`,
	"log.json":    `{"format": "lsq-model", "version": 1, "kind": "curve", "target": "y", "features": ["x"], "expression": "a*log(x)+b", "params": {"a": 4.8, "b": 1.4}, "param_order": ["a", "b"]}`,
	"good.json":   `{"format": "lsq-model", "version": 1, "kind": "linear", "target": "y", "features": ["x"], "coef": [0.6], "intercept": 2.2, "fit_intercept": true}`,
	"trunc.json":  `{"format": "lsq-model", "version": 1, "kind": "linear", "features": ["x"], "coef": [0.6`,
	"zero.json":   "",
	"text.json":   "hello, world\n",
	"syntax.json": "{\"format\": \"lsq-model\", \"version\": 1, \"kind\": \"linear\",\n \"features\": [\"x\"], \"coef\": [0.6,, ], \"intercept\": 2.2}\n",
	"kind.json":   `{"format": "lsq-model", "version": 1, "kind": "forest", "features": ["x"], "coef": [0.6], "intercept": 2.2}`,
	"nofmt.json":  `{"version": 1, "kind": "linear", "features": ["x"], "coef": [0.6], "intercept": 2.2}`,
	"newer.json":  `{"format": "lsq-model", "version": 7, "kind": "linear", "features": ["x"], "coef": [0.6], "intercept": 2.2}`,
	"v0.json":     `{"format": "lsq-model", "version": 0, "kind": "linear", "features": ["x"], "coef": [0.6], "intercept": 2.2}`,
	"count.json":  `{"format": "lsq-model", "version": 1, "kind": "linear", "features": ["x"], "coef": [0.6, 1, 2], "intercept": 2.2}`,
	"e400.json":   `{"format": "lsq-model", "version": 1, "kind": "linear", "features": ["x"], "coef": [1e400], "intercept": 2.2}`,
	"type.json":   `{"format": "lsq-model", "version": 1, "kind": "linear", "features": ["x"], "coef": "banana", "intercept": 2.2}`,
	// A network of two outputs without hidden layers: y = x + 0.5, z = 2x − 1.
	"net2.json": `{"format": "lsq-model", "version": 1, "kind": "net", "target": "y", "features": ["x"], "fit_intercept": true,
		"net": {"version": 1, "targets": ["y", "z"], "hidden": [], "activations": [], "params": [1, 2, 0.5, -1], "target_center": [0, 0], "target_scale": [1, 1]}}`,
}

// errorCases is the table of docs/errors.md: each bad input, the exit code
// and the pattern its message must match. Every case writes to $D/out (when
// the command writes a file), which must not appear, and must be left as it
// was when it existed before.
var errorCases = []struct {
	name   string
	args   []string
	code   int
	stderr string // regular expression
}{
	// Data files.
	{"empty_file", []string{"fit", "$D/empty.csv", "-o", "$D/out"}, ExitFailure, `empty\.csv: empty file; a CSV file needs a header row`},
	{"header_only", []string{"fit", "$D/header.csv", "-o", "$D/out"}, ExitFailure, `header\.csv:1: header only, no data rows; add rows of numbers`},
	{"non_numeric", []string{"fit", "$D/abc.csv", "-o", "$D/out"}, ExitFailure, `abc\.csv:3:2: "abc" is not a number \(column "y"\); fix the value`},
	{"hex_number", []string{"fit", "$D/hex.csv", "-o", "$D/out"}, ExitFailure, `hex\.csv:2:2: "0x10" is not a number`},
	{"digit_separator", []string{"fit", "$D/us.csv", "-o", "$D/out"}, ExitFailure, `us\.csv:2:2: "1_000" is not a number`},
	{"nan", []string{"fit", "$D/nan.csv", "-o", "$D/out"}, ExitFailure, `nan\.csv:2:2: no rows left: every row has a missing value in a column the model uses \(this one: "NaN"\)`},
	{"inf", []string{"fit", "$D/inf.csv", "-o", "$D/out"}, ExitFailure, `inf\.csv:2:1: "Inf" is not a finite number \(column "x"\)`},
	{"minus_inf", []string{"fit", "$D/minf.csv", "-o", "$D/out"}, ExitFailure, `minf\.csv:2:2: "-inf" is not a finite number`},
	{"overflow_1e400", []string{"fit", "$D/big.csv", "-o", "$D/out"}, ExitFailure, `big\.csv:3:2: "1e400" is too large for a float64 \(column "y"\); rescale the column`},
	{"ragged_long", []string{"fit", "$D/ragged.csv", "-o", "$D/out"}, ExitFailure, `ragged\.csv:3: row has 3 fields, the header has 2; check for a missing or extra delimiter`},
	{"ragged_short", []string{"fit", "$D/short.csv", "-o", "$D/out"}, ExitFailure, `short\.csv:3: row has 1 fields, the header has 2`},
	{"unclosed_quote", []string{"fit", "$D/openq.csv", "-o", "$D/out"}, ExitFailure, `openq\.csv:3:1: quoted field never ends; close the quote`},
	{"duplicate_names", []string{"fit", "$D/dup.csv", "-o", "$D/out"}, ExitFailure, `dup\.csv:1:2: duplicate column name "x" \(also column 1\); rename one of them`},
	{"missing_target", []string{"fit", "$D/tut.csv", "--target", "z", "-o", "$D/out"}, ExitFailure, `tut\.csv:1: no column named "z" \(target\); the columns are "x", "y"`},
	{"targets_missing_target", []string{"fit", "$D/ab.csv", "--target", "y,q", "-o", "$D/out"}, ExitFailure, `^lsq: .*ab\.csv:1: no column named "q" \(target\); the columns are "a", "b", "y"\n$`},
	{"targets_missing_target_stream", []string{"fit", "$D/ab.csv", "--target", "y,q", "--stream", "-o", "$D/out"}, ExitFailure, `^lsq: partition 0: .*ab\.csv:1: no column named "q" \(target\); the columns are "a", "b", "y"\n$`},
	{"text_missing_target", []string{"fit", "$D/text.csv", "--target", "q", "-o", "$D/out"}, ExitFailure, `^lsq: .*text\.csv:1: no column named "q" \(target\); the columns are "g", "x", "y"\n$`},
	{"text_missing_feature", []string{"fit", "$D/text.csv", "--features", "g,q", "-o", "$D/out"}, ExitFailure, `^lsq: .*text\.csv:1: no column named "q" \(feature\); the columns are "g", "x", "y"\n$`},
	{"partitions_differ", []string{"fit", "$D/tut.csv", "$D/ab.csv", "-o", "$D/out"}, ExitFailure, `^lsq: .*ab\.csv: the columns "a", "b" differ from .*tut\.csv's "x"; every partition must have the same features\n$`},
	{"partitions_differ_path", []string{"path", "$D/tut.csv", "$D/ab.csv"}, ExitFailure, `^lsq: .*ab\.csv: the columns "a", "b" differ from .*tut\.csv's "x"; every partition must have the same features\n$`},
	{"partitions_differ_cv", []string{"cv", "$D/ab.csv", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `^lsq: .*tut\.csv: the columns "x" differ from .*ab\.csv's "a", "b"; every partition must have the same features\n$`},
	{"degree_0", []string{"fit", "$D/tut.csv", "--degree", "0", "-o", "$D/out"}, ExitUsage, `^lsq: --degree 0 must be between 1 and 30\n`},
	{"curve_too_few_rows", []string{"curve", "$D/other.csv", "--model", "b*a+c", "--start", "b=1,c=1", "-o", "$D/out"}, ExitFailure, `^lsq: .*other\.csv: 1 data row for 2 parameters: need at least as many rows as parameters\n$`},
	{"missing_feature", []string{"fit", "$D/tut.csv", "--features", "x,q", "-o", "$D/out"}, ExitFailure, `tut\.csv:1: no column named "q" \(feature\)`},
	{"missing_weights", []string{"fit", "$D/tut.csv", "--weights", "w", "-o", "$D/out"}, ExitFailure, `tut\.csv:1: no column named "w" \(weight\)`},
	{"binary_file", []string{"fit", "$D/binary.csv", "-o", "$D/out"}, ExitFailure, `binary\.csv:3: not a text CSV file \(it contains NUL bytes\); give a CSV file, or a Parquet file`},
	{"negative_weight", []string{"fit", "$D/negw.csv", "--weights", "w", "-o", "$D/out"}, ExitFailure, `negw\.csv:3:2: weight -1 is negative \(column "w"\); weights must be zero or positive`},
	{"zero_weights", []string{"fit", "$D/zerow.csv", "--weights", "w", "-o", "$D/out"}, ExitFailure, `zerow\.csv: the weights in column "w" are all zero; give at least one row a positive weight`},
	{"zero_weights_stream", []string{"fit", "$D/zerow.csv", "--weights", "w", "--stream", "-o", "$D/out"}, ExitFailure, `zerow\.csv: the weights in column "w" are all zero; give at least one row a positive weight`},
	{"zero_weights_targets_stream", []string{"fit", "$D/zerow2.csv", "--target", "y1,y2", "--weights", "w", "--stream", "-o", "$D/out"}, ExitFailure, `zerow2\.csv: the weights in column "w" are all zero; give at least one row a positive weight`},
	{"zero_weights_path_stream", []string{"path", "$D/zerow.csv", "--weights", "w", "--stream"}, ExitFailure, `zerow\.csv: the weights in column "w" are all zero; give at least one row a positive weight`},
	{"zero_weights_cv_stream", []string{"cv", "$D/zerow.csv", "--weights", "w", "--folds", "2", "--stream"}, ExitFailure, `zerow\.csv: the weights in column "w" are all zero; give at least one row a positive weight`},
	{"target_as_feature", []string{"fit", "$D/tut.csv", "--features", "x,y", "-o", "$D/out"}, ExitFailure, `tut\.csv:1:2: column "y" is used twice .*; give each column one role`},
	{"feature_twice", []string{"fit", "$D/tut.csv", "--features", "x,x", "-o", "$D/out"}, ExitFailure, `tut\.csv: column "x" requested twice; list each column once`},
	{"corrupt_parquet", []string{"fit", "$D/bad.parquet", "-o", "$D/out"}, ExitFailure, `bad\.parquet: not a readable Parquet file: .*; check the file, or give a CSV file a \.csv name`},
	{"parquet_delimiter", []string{"fit", "$D/bad.parquet", "--delimiter", ";", "-o", "$D/out"}, ExitFailure, `bad\.parquet: a field delimiter was given, but a Parquet file has no delimiter; drop the delimiter \(--delimiter\): it applies to CSV files`},
	{"parquet_delimiter_stream", []string{"fit", "$D/bad.parquet", "--delimiter", ";", "--stream", "-o", "$D/out"}, ExitFailure, `bad\.parquet: a field delimiter was given, but a Parquet file has no delimiter`},
	{"empty_stdin", []string{"fit", "-", "-o", "$D/out"}, ExitFailure, `<stdin>: empty file`},
	{"no_such_file", []string{"fit", "$D/nope.csv", "-o", "$D/out"}, ExitFailure, `nope\.csv: no such file; check the path`},
	{"no_such_partition", []string{"fit", "$D/tut.csv", "$D/nope.csv", "-o", "$D/out"}, ExitFailure, `^lsq: .*nope\.csv: no such file; check the path\n$`},
	{"directory", []string{"fit", "$D", "-o", "$D/out"}, ExitFailure, `is a directory; give a \.csv or \.parquet file`},
	{"predict_missing_feature", []string{"predict", "$D/good.json", "$D/other.csv", "-o", "$D/out"}, ExitFailure, `other\.csv:1: no column named "x" \(feature\); the columns are "a", "y" \(the model was trained on the features "x"\)`},
	{"predict_overflow", []string{"predict", "$D/ten.json", "$D/bx.csv", "-o", "$D/out"}, ExitFailure, `bx\.csv: data row 2: the prediction overflows float64 \(\+Inf\); rescale the features of that row`},
	{"predict_curve_undefined", []string{"predict", "$D/log.json", "$D/neg.csv", "-o", "$D/out"}, ExitFailure, `neg\.csv: data row 2: the model a\*log\(x\)\+b is not finite there \(NaN\); check the inputs of that row`},
	{"predict_overflow_net", []string{"predict", "$D/net2.json", "$D/bx.csv", "-o", "$D/out"}, ExitFailure, `bx\.csv: data row 2: the prediction of z overflows float64 \(\+Inf\)`},
	{"predict_interval_net_targets", []string{"predict", "$D/net2.json", "$D/tut.csv", "--interval", "confidence", "-o", "$D/out"}, ExitUsage, `^lsq: --interval does not apply to a model of several targets\n`},
	{"eval_target_net_targets", []string{"eval", "$D/net2.json", "$D/tut.csv", "--target", "x"}, ExitUsage, `^lsq: --target: a model of several targets is scored on its own targets, "y", "z"\n`},
	{"predict_interval_net", []string{"predict", "$D/net1.json", "$D/tut.csv", "--interval", "prediction", "-o", "$D/out"}, ExitUsage, `^lsq: --interval does not apply to a network \(its weights have no covariance\)\n`},
	{"model_missing", []string{"predict", "$D/nope.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `^lsq: .*nope\.json: cannot read the model file: no such file; check the path\n$`},
	{"net_lm_too_few_rows", []string{"net", "$D/tut.csv", "--hidden", "16", "--solver", "lm", "-o", "$D/out"}, ExitFailure, `^lsq: net: Levenberg–Marquardt needs at least as many residuals as parameters: 5 rows × 1 target < 49 parameters; use a smaller network or another solver \(lbfgs, adam\)\n$`},
	{"eval_curve_undefined", []string{"eval", "$D/log.json", "$D/neg.csv"}, ExitFailure, `neg\.csv: data row 2: the model a\*log\(x\)\+b is not finite there`},

	// Fits that overflow float64: an error, never NaN or Inf printed or saved.
	{"fit_loss_overflow_stream", []string{"fit", "$D/huge.csv", "--stream", "-o", "$D/out"}, ExitFailure, `huge\.csv: the training loss \(RMSE\) is (\+Inf|NaN)`},
	{"fit_loss_overflow_cd", []string{"fit", "$D/huge.csv", "--solver", "cd", "--penalty", "l1", "--alpha", "0.1", "-o", "$D/out"}, ExitFailure, `enet: the target overflows float64 when squared: its weighted variance is 1\.41e\+200²`},
	{"fit_loss_overflow_cd_stream", []string{"fit", "$D/huge.csv", "--stream", "--solver", "cd", "--penalty", "l1", "--alpha", "0.1", "-o", "$D/out"}, ExitFailure, `enet: moment YY\[0\] is (NaN|\+Inf): the target overflows float64 when squared; divide y by a power of ten`},
	{"path_loss_overflow_stream", []string{"path", "$D/huge.csv", "--stream"}, ExitFailure, `enet: moment YY\[0\] is (NaN|\+Inf): the target overflows float64 when squared`},
	{"fit_solution_overflow", []string{"fit", "$D/ovf.csv", "-o", "$D/out"}, ExitFailure, `ovf\.csv: the fitted intercept is NaN: the data overflow float64 in the solve; rescale the columns`},
	{"fit_solution_overflow_cholesky", []string{"fit", "$D/ovf.csv", "--solver", "cholesky", "-o", "$D/out"}, ExitFailure, `ovf\.csv: the fitted intercept is -Inf`},
	{"fit_solution_overflow_ridge", []string{"fit", "$D/ovf.csv", "--penalty", "l2", "--alpha", "1", "-o", "$D/out"}, ExitFailure, `ovf\.csv: the fitted intercept is NaN`},
	{"lrfind_loss_overflow", []string{"lr-find", "$D/huge.csv", "--plot", "$D/out.png"}, ExitFailure, `huge\.csv: the loss at the start \(zero coefficients\) is \+Inf: the target is too large to square in float64; rescale it`},
	{"fit_overflow_gd", []string{"fit", "$D/huge.csv", "--solver", "gd", "-o", "$D/out"}, ExitFailure, `optim: objective \+Inf or its gradient is not finite at the start point`},

	// Model files.
	{"model_truncated", []string{"predict", "$D/trunc.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `trunc\.json: the model file is truncated .*; write it again with .lsq fit \.\.\. -o.`},
	{"model_empty", []string{"predict", "$D/zero.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `zero\.json: the file is empty, not an lsq model`},
	{"model_not_json", []string{"predict", "$D/text.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `text\.json: not an lsq model file \(it does not start with a JSON object\)`},
	{"model_data_file", []string{"predict", "$D/tut.csv", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `tut\.csv: not an lsq model file`},
	{"model_syntax", []string{"predict", "$D/syntax.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `syntax\.json: not a valid model file: JSON syntax error at line 2, column 35`},
	{"model_no_format", []string{"predict", "$D/nofmt.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `nofmt\.json: not an lsq model file \(no "format": "lsq-model" field\)`},
	{"model_kind", []string{"predict", "$D/kind.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `kind\.json: unknown model kind "forest" \(want "linear", "curve", "targets" or "net"\)`},
	{"model_newer", []string{"predict", "$D/newer.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `newer\.json: .*newer than this lsq`},
	{"model_version_0", []string{"predict", "$D/v0.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `v0\.json: model file version 0 is not valid`},
	{"model_coef_count", []string{"predict", "$D/count.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `count\.json: the model has 1 feature but 3 coefficients`},
	{"model_coef_1e400", []string{"predict", "$D/e400.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `e400\.json: line 1, column \d+: field "coef" holds a number 1e400`},
	{"model_coef_type", []string{"predict", "$D/type.json", "$D/tut.csv", "-o", "$D/out"}, ExitFailure, `type\.json: line 1, column \d+: field "coef" holds a string`},
	{"eval_missing_target", []string{"eval", "$D/good.json", "$D/bx.csv"}, ExitFailure, `bx\.csv:1: no column named "y"; the columns are "x"`},
	{"eval_model_truncated", []string{"eval", "$D/trunc.json", "$D/tut.csv"}, ExitFailure, `trunc\.json: the model file is truncated`},
	{"fit_init_truncated", []string{"fit", "$D/tut.csv", "--solver", "gd", "--init", "$D/trunc.json", "-o", "$D/out"}, ExitFailure, `trunc\.json: the model file is truncated`},

	// Expressions (lsq curve --model).
	{"curve_unknown_column", []string{"curve", "$D/c.csv", "--model", "a*q+b", "--start", "a=1,b=2", "-o", "$D/out"}, ExitFailure, `c\.csv:1: no column named "q"; the columns are "x", "y"\n\(names in the model without a --start value are read as columns; give --start NAME=VALUE`},
	{"curve_unknown_function", []string{"curve", "$D/c.csv", "--model", "a*x + frob(x)", "--start", "a=1", "-o", "$D/out"}, ExitUsage, `--model: 1:7: unknown function "frob"`},
	{"curve_syntax", []string{"curve", "$D/c.csv", "--model", "a*x+", "--start", "a=1", "-o", "$D/out"}, ExitUsage, `--model: 1:5: unexpected end of expression`},
	{"curve_start_not_in_model", []string{"curve", "$D/c.csv", "--model", "log(a)*x", "--start", "a=1,b=2", "-o", "$D/out"}, ExitUsage, `--start b: the model has no name b \(its names: a, x\)`},
	{"curve_start_nan", []string{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=NaN", "-o", "$D/out"}, ExitUsage, `--start: a="NaN" is not a finite number`},
	{"curve_division_by_zero", []string{"curve", "$D/c.csv", "--model", "a/(x-1)+b", "--start", "a=1,b=2", "-o", "$D/out"}, ExitFailure, `c\.csv: data row 1 \(x = 1\): the model a/\(x-1\)\+b is \+Inf at the starting values a=1,b=2; choose --start values where it is finite on every row`},
	{"curve_log_negative", []string{"curve", "$D/c.csv", "--model", "a*log(x-b)", "--start", "a=1,b=2", "-o", "$D/out"}, ExitFailure, `c\.csv: data row 1 \(x = 1\): the model a\*log\(x-b\) is NaN at the starting values a=1,b=2; choose --start values`},
	{"curve_bounds_empty", []string{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=1", "--bounds", "a=2:1", "-o", "$D/out"}, ExitUsage, `--bounds: "a=2:1" needs numbers LOW ≤ HIGH`},
	{"curve_no_start", []string{"curve", "$D/c.csv", "--model", "a*x+b", "-o", "$D/out"}, ExitFailure, `c\.csv:1: no column named "a"; the columns are "x", "y"\n\(names in the model without a --start value are read as columns; give --start NAME=VALUE`},
	{"curve_lr_with_lm", []string{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=1", "--lr", "0.1", "-o", "$D/out"}, ExitUsage, `--lr applies to --method gd and adam; --method lm chooses its own steps`},
	{"curve_epochs_with_gn", []string{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=1", "--method", "gn", "--epochs", "10", "-o", "$D/out"}, ExitUsage, `--epochs applies to --method gd and adam; --method gn`},
	{"curve_max_evals_with_gd", []string{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=1", "--method", "gd", "--max-evals", "10", "-o", "$D/out"}, ExitUsage, `--max-evals limits --method lm and gn; --method gd stops at --epochs`},
	{"curve_method", []string{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=1", "--method", "foo", "-o", "$D/out"}, ExitUsage, `--method "foo": want lm, gn, gd or adam`},
	{"formula_log_negative", []string{"fit", "$D/negx.csv", "--formula", "y ~ log(x)", "-o", "$D/out"}, ExitFailure, `negx\.csv:3: term log\(x\) is NaN; transform or filter the data`},
	{"formula_division_by_zero", []string{"fit", "$D/negx.csv", "--formula", "y ~ I(1/x)", "-o", "$D/out"}, ExitFailure, `negx\.csv:5: term I\(1/x\) is \+Inf`},
	{"formula_unknown_column", []string{"fit", "$D/negx.csv", "--formula", "y ~ q", "-o", "$D/out"}, ExitFailure, `negx\.csv:1: no column named "q"; the columns are "x", "y"`},
	{"formula_unknown_function", []string{"fit", "$D/negx.csv", "--formula", "y ~ frob(x)", "-o", "$D/out"}, ExitUsage, `--formula: formula:1:5: unknown function "frob"`},
	{"formula_syntax", []string{"fit", "$D/negx.csv", "--formula", "y ~ x +", "-o", "$D/out"}, ExitUsage, `--formula: formula:1:8: unexpected end of formula`},

	// Options out of range: exit 2, before any data is read.
	{"unknown_solver", []string{"fit", "$D/tut.csv", "--solver", "newton", "-o", "$D/out"}, ExitUsage, `--solver "newton": unknown solver; want one of qr, svd`},
	{"negative_rate", []string{"fit", "$D/tut.csv", "--solver", "gd", "--lr", "-0.1", "-o", "$D/out"}, ExitUsage, `--lr "-0.1": want auto, grid, a positive number`},
	{"zero_rate", []string{"fit", "$D/tut.csv", "--solver", "gd", "--lr", "0", "-o", "$D/out"}, ExitUsage, `--lr "0": want auto, grid, a positive number`},
	{"nan_rate", []string{"fit", "$D/tut.csv", "--solver", "gd", "--lr", "NaN", "-o", "$D/out"}, ExitUsage, `--lr "NaN": want auto, grid, a positive number`},
	{"fit_l1_ratio_2", []string{"fit", "$D/tut.csv", "--penalty", "elasticnet", "--alpha", "0.1", "--l1-ratio", "2", "-o", "$D/out"}, ExitUsage, `--l1-ratio 2 must be between 0 and 1`},
	{"fit_l1_ratio_without_elasticnet", []string{"fit", "$D/tut.csv", "--solver", "gd", "--l1-ratio", "0.5", "-o", "$D/out"}, ExitUsage, `--l1-ratio mixes L1 and L2 in --penalty elasticnet; --penalty none has no mixing`},
	{"fit_l1_ratio_lasso", []string{"fit", "$D/tut.csv", "--penalty", "l1", "--alpha", "0.1", "--l1-ratio", "0.3", "-o", "$D/out"}, ExitUsage, `--penalty l1 has no mixing`},
	{"fit_penalty_without_alpha", []string{"fit", "$D/tut.csv", "--penalty", "l1", "-o", "$D/out"}, ExitUsage, `--penalty l1 needs --alpha, its strength \(without it α = 0: no penalty\)`},
	{"targets_rank_above", []string{"fit", "$D/ab.csv", "--target", "a,y", "--rank", "2", "-o", "$D/out"}, ExitUsage, `^lsq: --rank 2: the coefficients of 1 feature and 2 targets form a 1×2 matrix, of rank at most 1; give a rank from 1 to 1 \(1 is the unconstrained fit\)`},
	{"targets_rank_above_streamed", []string{"fit", "$D/ab.csv", "--target", "a,y", "--stream", "--rank", "3", "-o", "$D/out"}, ExitUsage, `^lsq: --rank 3: the coefficients of 1 feature and 2 targets form a 1×2 matrix, of rank at most 1`},
	{"cv_rank_above", []string{"cv", "$D/ab.csv", "--target", "a,y", "--rank", "1,2"}, ExitUsage, `^lsq: --rank 2: the coefficients of 1 feature and 2 targets form a 1×2 matrix, of rank at most 1; give a rank from 1 to 1`},
	{"cv_rank_twice", []string{"cv", "$D/ab.csv", "--target", "a,y", "--rank", "1,1"}, ExitUsage, `^lsq: --rank "1,1" lists rank 1 twice`},
	{"targets_l2sp", []string{"fit", "$D/ab.csv", "--target", "a,y", "--penalty", "l2sp", "--alpha", "1", "-o", "$D/out"}, ExitUsage, `--penalty l2sp: a fit of several targets takes none or l2 \(with --init BASE, l2 pulls toward the base model, as l2sp does for one target\)`},
	{"targets_penalty_without_alpha", []string{"fit", "$D/ab.csv", "--target", "a,y", "--penalty", "l2", "-o", "$D/out"}, ExitUsage, `--penalty l2 needs --alpha`},
	{"targets_negative_alpha", []string{"fit", "$D/ab.csv", "--target", "a,y", "--penalty", "l2", "--alpha", "-1", "-o", "$D/out"}, ExitUsage, `--alpha -1 must be a finite number ≥ 0`},
	{"targets_summary_penalty", []string{"fit", "$D/ab.csv", "--target", "a,y", "--penalty", "l2", "--alpha", "1", "--summary", "-o", "$D/out"}, ExitUsage, `^lsq: --summary with several targets gives each target's classical summary: not with --rank, --init or a penalty`},
	{"targets_summary_penalty_streamed", []string{"fit", "$D/ab.csv", "--target", "a,y", "--stream", "--penalty", "l2", "--alpha", "1", "--summary", "-o", "$D/out"}, ExitUsage, `^lsq: --summary with several targets gives each target's classical summary: not with --rank, --init or a penalty`},
	{"targets_alpha_without_penalty", []string{"fit", "$D/ab.csv", "--target", "a,y", "--alpha", "1", "-o", "$D/out"}, ExitUsage, `--alpha needs --penalty`},
	{"net_clip_norm_lbfgs", []string{"net", "$D/tut.csv", "--hidden", "2", "--solver", "lbfgs", "--clip-norm", "1", "-o", "$D/out"}, ExitUsage, `^lsq: --clip-norm does not apply to lbfgs, which bounds its steps itself`},
	{"net_schedule_lbfgs", []string{"net", "$D/tut.csv", "--hidden", "2", "--solver", "lbfgs", "--schedule", "step:every=10,gamma=0.5", "-o", "$D/out"}, ExitUsage, `^lsq: --schedule does not apply to lbfgs`},
	{"net_batch_size_lbfgs", []string{"net", "$D/tut.csv", "--hidden", "2", "--solver", "lbfgs", "--batch-size", "4", "-o", "$D/out"}, ExitUsage, `^lsq: --batch-size draws the mini-batches of a stochastic solver .*; lbfgs steps on the full batch`},
	{"net_refit_head_frozen_output", []string{"net", "$D/tut.csv", "--hidden", "2", "--freeze", "2", "--refit-head", "-o", "$D/out"}, ExitUsage, `^lsq: --refit-head replaces the output layer \(layer 2\), which --freeze 2 keeps fixed; drop one of them\n`},
	{"net_refit_head_frozen_output_no_hidden", []string{"net", "$D/tut.csv", "--hidden", "", "--freeze", "1", "--refit-head", "-o", "$D/out"}, ExitUsage, `^lsq: --refit-head replaces the output layer \(layer 1\), which --freeze 1 keeps fixed`},
	{"net_penalty_without_alpha", []string{"net", "$D/tut.csv", "--hidden", "2", "--penalty", "l2", "-o", "$D/out"}, ExitUsage, `--penalty l2 needs --alpha`},
	{"stream_formula", []string{"fit", "$D/ab.csv", "--stream", "--formula", "y ~ a", "-o", "$D/out"}, ExitUsage, `--formula does not apply to --stream, which reads plain columns \(--target, --features, --weights\) and gives the classical summary; drop --formula`},
	{"stream_robust", []string{"fit", "$D/ab.csv", "--stream", "--robust", "HC1", "-o", "$D/out"}, ExitUsage, `--robust does not apply to --stream`},
	{"stream_val_frac", []string{"fit", "$D/ab.csv", "--stream", "--solver", "gd", "--val-frac", "0.2", "-o", "$D/out"}, ExitUsage, `^lsq: --val-frac does not apply to --stream, which reads the rows as they come: no validation split, early stopping, starting model or checkpoint; drop --val-frac, or fit in memory`},
	{"stream_checkpoint", []string{"fit", "$D/ab.csv", "--stream", "--solver", "gd", "--checkpoint", "$D/ck.json", "-o", "$D/out"}, ExitUsage, `^lsq: --checkpoint does not apply to --stream, which reads the rows as they come.*; drop --checkpoint, or fit in memory`},
	{"semicolon_header", []string{"fit", "$D/semi.csv", "-o", "$D/out"}, ExitFailure, `semi\.csv:1: no column named "y" \(target\); the columns are "x;y"; the header is one column: if ";" separates the fields, read the file with that delimiter \(lsq: --delimiter ';'\)`},
	{"semicolon_header_formula", []string{"fit", "$D/semi.csv", "--formula", "y ~ x", "-o", "$D/out"}, ExitFailure, `semi\.csv:1: no column named "y"; the columns are "x;y"; the header is one column: if ";" separates`},
	{"batch_size_gd", []string{"fit", "$D/tut.csv", "--solver", "gd", "--batch-size", "2", "-o", "$D/out"}, ExitUsage, `--batch-size draws the mini-batches of a stochastic solver \(sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw\); gd steps on the full batch`},
	{"batch_size_lbfgs_streamed", []string{"fit", "$D/tut.csv", "--stream", "--solver", "lbfgs", "--batch-size", "2", "-o", "$D/out"}, ExitUsage, `; lbfgs steps on the full batch`},
	{"schedule_lbfgs", []string{"fit", "$D/tut.csv", "--solver", "lbfgs", "--schedule", "step:every=10,gamma=0.5", "-o", "$D/out"}, ExitUsage, `^lsq: --schedule does not apply to lbfgs, which tries a step of 1 along its quasi-Newton direction: the learning rate is only its first trial step, before it has curvature pairs\n`},
	{"warmup_lbfgs", []string{"fit", "$D/tut.csv", "--solver", "lbfgs", "--warmup", "5", "-o", "$D/out"}, ExitUsage, `^lsq: --warmup does not apply to lbfgs, which tries a step of 1`},
	{"schedule_lbfgs_rate_list", []string{"fit", "$D/tut.csv", "--solver", "lbfgs", "--lr", "0.1,1", "--schedule", "exponential:gamma=0.5", "-o", "$D/out"}, ExitUsage, `^lsq: --schedule does not apply to lbfgs`},
	{"clip_norm_lbfgs", []string{"fit", "$D/tut.csv", "--solver", "lbfgs", "--clip-norm", "1", "-o", "$D/out"}, ExitUsage, `^lsq: --clip-norm does not apply to lbfgs, which bounds its steps itself: only steps taken at a given rate are clipped\n`},
	{"clip_norm_lbfgs_streamed", []string{"fit", "$D/tut.csv", "--stream", "--solver", "lbfgs", "--clip-norm", "1", "-o", "$D/out"}, ExitUsage, `^lsq: --clip-norm does not apply to lbfgs`},
	{"clip_value_line_search", []string{"fit", "$D/tut.csv", "--solver", "gd", "--line-search", "--clip-value", "1", "-o", "$D/out"}, ExitUsage, `^lsq: --clip-value does not apply to gd with a backtracking line search, which bounds its steps itself`},
	{"checkpoint_exact", []string{"fit", "$D/tut.csv", "--checkpoint", "$D/out"}, ExitUsage, `--checkpoint applies to iterative solvers; --solver qr is exact`},
	{"checkpoint_cd", []string{"fit", "$D/ab.csv", "--penalty", "l1", "--alpha", "0.1", "--checkpoint", "$D/out"}, ExitUsage, `--checkpoint does not apply to --solver cd, which runs to a duality gap`},
	// cd records no epochs: --trace wrote an empty file and said it had written a trace.
	{"trace_cd", []string{"fit", "$D/ab.csv", "--penalty", "l1", "--alpha", "0.1", "--trace", "$D/t.jsonl"}, ExitUsage, `--trace does not apply to --solver cd, which runs to a duality gap`},
	{"seed_cd", []string{"fit", "$D/ab.csv", "--penalty", "l1", "--alpha", "0.1", "--seed", "3"}, ExitUsage, `--seed does not apply to --solver cd`},
	{"shuffle_buffer_in_memory", []string{"fit", "$D/ab.csv", "--solver", "sgd", "--shuffle-buffer", "4", "-o", "$D/out"}, ExitUsage, `--shuffle-buffer draws the mini-batches of a streamed fit; .*ab\.csv is read into memory`},
	{"cv_l1_ratio_2", []string{"cv", "$D/ab.csv", "--l1-ratio", "2"}, ExitUsage, `--l1-ratio "2": want a number between 0 and 1`},
	{"path_l1_ratio_negative", []string{"path", "$D/ab.csv", "--l1-ratio", "-0.5"}, ExitUsage, `--l1-ratio "-0.5": want a number between 0 and 1`},
	{"cv_zero_folds", []string{"cv", "$D/ab.csv", "--folds", "0"}, ExitUsage, `--folds 0: cross-validation needs at least 2 folds`},
	{"cv_one_fold", []string{"cv", "$D/ab.csv", "--folds", "1"}, ExitUsage, `--folds 1: cross-validation needs at least 2 folds`},
	{"cv_more_folds_than_rows", []string{"cv", "$D/ab.csv", "--folds", "11"}, ExitUsage, `--folds 11 is more than the 10 rows of .*ab\.csv; use at most 10`},
	{"negative_alpha", []string{"fit", "$D/tut.csv", "--penalty", "l2", "--alpha", "-1", "-o", "$D/out"}, ExitUsage, `--alpha -1 must be a finite number ≥ 0`},
	{"negative_epochs", []string{"fit", "$D/tut.csv", "--solver", "gd", "--epochs", "-1", "-o", "$D/out"}, ExitUsage, `--epochs -1 must be positive, or 0 for the automatic limit`},
	{"average_gd", []string{"fit", "$D/tut.csv", "--solver", "gd", "--average", "-o", "$D/out"}, ExitUsage, `--average averages the iterates of a stochastic solver \(sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw\), not --solver gd`},
	{"shuffle_block_gd", []string{"fit", "$D/tut.csv", "--solver", "gd", "--shuffle-block", "8", "-o", "$D/out"}, ExitUsage, `--shuffle-block orders the rows of a stochastic solver \(sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw\), not --solver gd`},
	{"standardize_exact", []string{"fit", "$D/tut.csv", "--standardize=false", "-o", "$D/out"}, ExitUsage, `^lsq: --standardize does not apply to --solver qr without a penalty: exact least squares does not depend on the scale of the inputs`},
	{"standardize_cholesky_summary", []string{"fit", "$D/tut.csv", "--solver", "cholesky", "--summary", "--standardize=true", "-o", "$D/out"}, ExitUsage, `^lsq: --standardize does not apply to --solver cholesky without a penalty`},
	{"standardize_exact_streamed", []string{"fit", "$D/tut.csv", "--stream", "--standardize=false", "-o", "$D/out"}, ExitUsage, `^lsq: --standardize does not apply to --solver qr without a penalty`},
	{"targets_standardize", []string{"fit", "$D/ab.csv", "--target", "a,y", "--rank", "1", "--standardize=false", "-o", "$D/out"}, ExitUsage, `^lsq: --standardize does not apply to an exact fit of several targets without a penalty`},
	{"cv_rank_standardize", []string{"cv", "$D/ab.csv", "--target", "a,y", "--rank", "1", "--standardize=false"}, ExitUsage, `^lsq: --standardize does not apply to the cross-validation of a rank \(--rank\)`},
	{"seed_gd", []string{"fit", "$D/tut.csv", "--solver", "gd", "--seed", "3", "-o", "$D/out"}, ExitUsage, `--seed draws the mini-batches of a stochastic solver .* and the validation split \(--val-frac, a list of --lr\); --solver gd steps on the full batch and there is no split`},
	{"seed_lbfgs_stream", []string{"fit", "$D/tut.csv", "--solver", "lbfgs", "--stream", "--seed", "3", "-o", "$D/out"}, ExitUsage, `--seed draws the mini-batches .*; --solver lbfgs steps on the full batch`},
	{"shuffle_block_qr", []string{"fit", "$D/tut.csv", "--shuffle-block", "8", "-o", "$D/out"}, ExitUsage, `--shuffle-block applies to iterative solvers; --solver qr is exact`},
	{"shuffle_block_negative", []string{"fit", "$D/tut.csv", "--solver", "sgd", "--shuffle-block", "-1", "-o", "$D/out"}, ExitUsage, `--shuffle-block -1 must be ≥ 0`},
	{"negative_batch", []string{"fit", "$D/tut.csv", "--solver", "sgd", "--batch-size", "-1", "-o", "$D/out"}, ExitUsage, `--batch-size -1 must be 0 \(full batch\) or positive`},
	{"val_frac_1.5", []string{"fit", "$D/tut.csv", "--solver", "gd", "--val-frac", "1.5", "-o", "$D/out"}, ExitUsage, `--val-frac 1\.5 must be in \[0, 1\)`},
	{"path_n_alphas_0", []string{"path", "$D/ab.csv", "--n-alphas", "0"}, ExitUsage, `--n-alphas 0 must be at least 1`},
	{"lrfind_negative_rate", []string{"lr-find", "$D/ab.csv", "--min-lr", "-1"}, ExitUsage, `--min-lr -1 must be a finite number > 0`},
	{"bad_delimiter", []string{"fit", "$D/tut.csv", "--delimiter", "ab", "-o", "$D/out"}, ExitUsage, `--delimiter "ab" must be one ASCII character`},
	{"not_a_number_flag", []string{"fit", "$D/tut.csv", "--epochs", "x", "-o", "$D/out"}, ExitUsage, `invalid argument "x" for "--epochs"`},
	{"unknown_flag", []string{"fit", "$D/tut.csv", "--frobnicate", "-o", "$D/out"}, ExitUsage, `unknown flag: --frobnicate`},
	{"help_unknown_command", []string{"help", "frobnicate"}, ExitUsage, `^lsq: help: unknown command "frobnicate" for "lsq"; its commands are anova, completion, curve, cv, demo, eval, fit, lr-find, net, path, predict, selftest, version\n`},
	{"help_unknown_subcommand", []string{"help", "demo", "frobnicate"}, ExitUsage, `^lsq: help: unknown command "frobnicate" for "lsq demo"; its commands are gradients, lr, nonlinear, q5, regularization\n`},
	{"demo_unknown_topic", []string{"demo", "frobnicate"}, ExitUsage, `^lsq: unknown command "frobnicate" for "lsq demo"; its commands are gradients, lr, nonlinear, q5, regularization\n`},
	{"missing_argument", []string{"predict", "$D/good.json"}, ExitUsage, `accepts 2 arg\(s\), received 1; usage: lsq predict MODEL FILE`},
	{"memory_unit", []string{"fit", "$D/tut.csv", "--memory", "4XB", "-o", "$D/out"}, ExitUsage, `^lsq: --memory "4XB": want a size such as 4GiB or 512MB\n`},
	{"cv_stream_foldid", []string{"cv", "$D/tut.csv", "--stream", "--foldid", "x", "-o", "$D/out"}, ExitUsage, `^lsq: --stream assigns the folds by --seed; --foldid reads a fold column in memory: drop --foldid, or cross-validate in memory: one file within --memory, without --stream\n`},
	{"cv_stream_plot", []string{"cv", "$D/tut.csv", "--stream", "--plot", "$D/cv.png", "-o", "$D/out"}, ExitUsage, `^lsq: --stream does not draw --plot \(the plot's path reads the rows\): drop --plot, or cross-validate in memory: one file within --memory, without --stream\n`},
	{"cv_stream_rank", []string{"cv", "$D/tut.csv", "--stream", "--rank", "1", "-o", "$D/out"}, ExitUsage, `^lsq: --stream cross-validates the lasso and elastic net; --rank reads the rows in memory: drop --rank, or cross-validate in memory: one file within --memory, without --stream\n`},
	{"anova_one_model", []string{"anova", "$D/good.json", "$D/tut.csv"}, ExitUsage, `requires at least 3 arg\(s\), only received 2; usage: lsq anova MODEL1 MODEL2 \[MODEL\.\.\.\] FILE`},

	// Outputs over inputs.
	{"predict_over_input", []string{"predict", "$D/good.json", "$D/tut.csv", "-o", "$D/tut.csv"}, ExitUsage, `refusing to write .*tut\.csv over the input .*tut\.csv; choose another output file`},
	{"predict_over_model", []string{"predict", "$D/good.json", "$D/tut.csv", "-o", "$D/good.json"}, ExitUsage, `refusing to write .*good\.json over the input`},
	{"predict_over_input_link", []string{"predict", "$D/good.json", "$D/tut.csv", "-o", "$D/link.csv"}, ExitUsage, `refusing to write .*link\.csv over the input .*tut\.csv`},
	{"fit_over_input", []string{"fit", "$D/tut.csv", "-o", "$D/tut.csv"}, ExitUsage, `refusing to write`},
	{"output_dir_missing", []string{"fit", "$D/tut.csv", "-o", "$D/out", "--plot", "$D/nodir/p.png"}, ExitUsage, `cannot write .*nodir/p\.png: the directory .*nodir does not exist; create it or choose another output file`},
	{"trace_dir_missing", []string{"fit", "$D/tut.csv", "--solver", "gd", "-o", "$D/out", "--trace", "$D/nodir/t.jsonl"}, ExitUsage, `the directory .*nodir does not exist`},
	{"report_dir_missing", []string{"fit", "$D/tut.csv", "-o", "$D/out", "--report", "$D/nodir/r.html"}, ExitUsage, `the directory .*nodir does not exist`},
	{"curve_plot_dir_missing", []string{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=1", "-o", "$D/out", "--plot", "$D/nodir/p.png"}, ExitUsage, `the directory .*nodir does not exist`},
	{"predict_dir_missing", []string{"predict", "$D/good.json", "$D/tut.csv", "-o", "$D/nodir/p.csv"}, ExitUsage, `the directory .*nodir does not exist`},
	{"output_is_directory", []string{"predict", "$D/good.json", "$D/tut.csv", "-o", "$D"}, ExitUsage, `is a directory; give a file name for the output`},
	{"curve_over_input", []string{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=1", "-o", "$D/c.csv"}, ExitUsage, `refusing to write`},
}

// TestErrorTable runs every row of the bad-input table twice: once with no
// output file (none may appear) and once over an existing one (it must be
// left byte for byte). Inputs must be unchanged afterwards too.
func TestErrorTable(t *testing.T) {
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			re := regexp.MustCompile(c.stderr)
			for _, existing := range []bool{false, true} {
				dir := t.TempDir()
				for name, body := range errorFixtures {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.Symlink(filepath.Join(dir, "tut.csv"), filepath.Join(dir, "link.csv")); err != nil {
					t.Fatal(err)
				}
				const sentinel = "previous contents\n"
				out := filepath.Join(dir, "out")
				if existing {
					os.WriteFile(out, []byte(sentinel), 0o644)
				}
				code, stdout, stderr := runLSQ(dir, nil, c.args...)
				if code != c.code {
					t.Fatalf("lsq %s: exit %d, want %d\nstderr: %s", strings.Join(c.args, " "), code, c.code, stderr)
				}
				if !re.MatchString(stderr) {
					t.Errorf("stderr %q does not match %q", stderr, c.stderr)
				}
				if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
					t.Errorf("stderr shows a Go panic: %s", stderr)
				}
				if stdout != "" {
					t.Errorf("a failed command printed results on stdout: %q", stdout)
				}
				if help := "Run 'lsq " + c.args[0] + " --help' for usage."; c.code == ExitUsage && !strings.Contains(stderr, help) {
					t.Errorf("usage error without the pointer to the subcommand's --help (%s): %q", help, stderr)
				}
				got, err := os.ReadFile(out)
				switch {
				case existing && string(got) != sentinel:
					t.Errorf("the existing output file was changed to %q", got)
				case !existing && err == nil:
					t.Errorf("an output file was written: %q", got)
				}
				for name, body := range errorFixtures {
					if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != body {
						t.Errorf("input %s was changed", name)
					}
				}
				if ents, _ := os.ReadDir(dir); len(ents) != len(errorFixtures)+1+btoi(existing) {
					var names []string
					for _, e := range ents {
						names = append(names, e.Name())
					}
					t.Errorf("stray files left behind: %v", names)
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// endless yields limit bytes of fill (then the tail) without a newline,
// at most 64 KiB per Read as a pipe does, and counts what was consumed.
type endless struct {
	head     string
	fill     byte
	limit    int64
	consumed int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.consumed >= e.limit {
		return 0, io.EOF
	}
	p = p[:min(len(p), 64<<10, int(e.limit-e.consumed))]
	n := 0
	if e.consumed < int64(len(e.head)) {
		n = copy(p, e.head[e.consumed:])
	}
	for i := n; i < len(p); i++ {
		p[i] = e.fill
	}
	e.consumed += int64(len(p))
	return len(p), nil
}

// TestLongLineBounded feeds every command that reads data a 2 GiB stream
// without a newline on standard input (generated, never stored). Each must
// stop with a file:line error once one line passes the 64 MiB record limit
// (data.Options.MaxLineBytes' default, which the CLI keeps), having read no
// more than that limit plus one 64 KiB read: memory stays bounded.
func TestLongLineBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB per command")
	}
	const limit = 64 << 20 // the CSV record limit
	const slack = 64 << 10 // one Read of the generator
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.json"), []byte(errorFixtures["good.json"]), 0o644)
	cases := []struct {
		name string
		head string // bytes before the endless run of 'x'
		line string // the line the error must name
		args []string
	}{
		{"fit_header", "", "<stdin>:1:", []string{"fit", "-", "-o", "$D/out"}},
		{"fit_row", "x,y\n1,", "<stdin>:2", []string{"fit", "-", "-o", "$D/out"}},
		{"predict", "x\n1\n", "<stdin>:3:", []string{"predict", "$D/good.json", "-", "-o", "$D/out"}},
		{"eval", "", "<stdin>:1:", []string{"eval", "$D/good.json", "-"}},
		{"curve", "x,y\n", "<stdin>:2:", []string{"curve", "-", "--model", "a*x", "--start", "a=1", "-o", "$D/out"}},
		{"path", "", "<stdin>:1:", []string{"path", "-"}},
		{"cv", "", "<stdin>:1:", []string{"cv", "-"}},
		{"lr-find", "", "<stdin>:1:", []string{"lr-find", "-"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &endless{head: c.head, fill: 'x', limit: 2 << 30}
			code, _, stderr := runLSQ(dir, in, c.args...)
			if code != ExitFailure {
				t.Fatalf("exit %d, want %d; stderr %q", code, ExitFailure, stderr)
			}
			if !strings.Contains(stderr, c.line) || !strings.Contains(stderr, "longer than 64 MiB") || !strings.Contains(stderr, "newline") {
				t.Errorf("stderr %q: want %q, the 64 MiB limit and advice about newlines", stderr, c.line)
			}
			t.Logf("read %d bytes (%.2f MiB) of a 2 GiB line", in.consumed, float64(in.consumed)/(1<<20))
			if in.consumed > limit+slack+int64(len(c.head)) {
				t.Errorf("read %d bytes of a line without end; want at most %d", in.consumed, limit+slack+len(c.head))
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Error("an output file was written")
			}
		})
	}
}

// TestEvalLargeTarget checks that eval's sums of squares are scaled: y of
// order 1e200 squares to 1e400, beyond float64, yet R², RMSE and MAE are
// finite and exact. The model y = 6e199 + 8e199·x on y = (1,3,2,5,4)·1e200 at
// x = 1..5 is the OLS line of (1,3,2,5,4) scaled by 1e200, so by hand:
// residuals (−0.4, 0.8, −1, 1.2, −0.6)·1e200, SSE 3.6e400, SST 10e400,
// R² = 1 − 3.6/10 = 0.64, RMSE = √0.72·1e200, MAE = 0.8e200. MSE = 7.2e399
// is not a float64 and is reported as null in JSON.
func TestEvalLargeTarget(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "huge.csv"), []byte("x,y\n1,1e200\n2,3e200\n3,2e200\n4,5e200\n5,4e200\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "m.json"), []byte(`{"format": "lsq-model", "version": 1, "kind": "linear", "target": "y", "features": ["x"], "coef": [8e199], "intercept": 6e199, "fit_intercept": true}`), 0o644)
	code, stdout, stderr := runLSQ(dir, nil, "eval", "$D/m.json", "$D/huge.csv", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s struct {
		R2, RMSE, MAE float64
		MSE           *float64
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("%v in %q", err, stdout)
	}
	// 1e-14: a few roundings of sums of five terms.
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"r2", s.R2, 0.64}, {"rmse", s.RMSE, math.Sqrt(0.72) * 1e200}, {"mae", s.MAE, 0.8e200}} {
		if math.Abs(c.got-c.want) > 1e-14*math.Abs(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if s.MSE != nil {
		t.Errorf("mse = %v, want null (7.2e399 overflows)", *s.MSE)
	}
	_, text, _ := runLSQ(dir, nil, "eval", "$D/m.json", "$D/huge.csv")
	for _, want := range []string{"R²    0.64", "RMSE  8.48528e+199", "MAE   8e+199"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output %q lacks %q", text, want)
		}
	}
}

// TestEvalResidualOverflow: a prediction of −1.7e308 for a target of
// 1.7e308 has a residual beyond float64; eval stops naming the row.
func TestEvalResidualOverflow(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("x,y\n1,1\n-1,1.7e308\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "m.json"), []byte(`{"format": "lsq-model", "version": 1, "kind": "linear", "target": "y", "features": ["x"], "coef": [1.7e308], "intercept": 0, "fit_intercept": true}`), 0o644)
	code, stdout, stderr := runLSQ(dir, nil, "eval", "$D/m.json", "$D/d.csv", "--json")
	if code != ExitFailure || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want exit 1 and nothing printed", code, stdout)
	}
	if !strings.Contains(stderr, "d.csv: data row 2: the prediction is -1.7e+308 for a target of 1.7e+308") || !strings.Contains(stderr, "rescale") {
		t.Errorf("stderr %q", stderr)
	}
}

// TestEvalConstantTarget: R² is undefined when the target does not vary;
// eval says so in text and gives null in JSON, with RMSE and MAE exact.
func TestEvalConstantTarget(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("x,y\n1,3\n2,3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "m.json"), []byte(errorFixtures["good.json"]), 0o644)
	code, stdout, stderr := runLSQ(dir, nil, "eval", "$D/m.json", "$D/d.csv")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// predictions 2.8, 3.4: residuals 0.2, −0.4, RMSE √0.1, MAE 0.3.
	for _, want := range []string{"R²    undefined (the target is constant)", "RMSE  0.316228", "MAE   0.3"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output %q lacks %q", stdout, want)
		}
	}
	_, js, _ := runLSQ(dir, nil, "eval", "$D/m.json", "$D/d.csv", "--json")
	if !strings.Contains(js, `"r2": null`) {
		t.Errorf("JSON %q: want r2 null", js)
	}
}

// knownGap documents an open defect of a library package: the test states the
// behaviour docs/errors.md promises and is skipped until the package is fixed.
func knownGap(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("LSQ_OPEN_GAPS") == "" {
		t.Skip("open defect (set LSQ_OPEN_GAPS=1 to run): " + what)
	}
}

// TestFitNonFiniteIsAnError: a fit whose loss or coefficients are not finite
// must fail with exit 1 and write no model.
func TestFitNonFiniteIsAnError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ovf.csv"), []byte("x,y\n1,1e300\n2,-1e300\n3,1.5e308\n"), 0o644)
	for _, solver := range []string{"qr", "svd", "cholesky"} {
		// Without -o too: nothing non-finite may be printed.
		if code, stdout, _ := runLSQ(dir, nil, "fit", "$D/ovf.csv", "--solver", solver); code != ExitFailure || stdout != "" {
			t.Errorf("%s without -o: exit %d, stdout %q", solver, code, stdout)
		}
		code, stdout, stderr := runLSQ(dir, nil, "fit", "$D/ovf.csv", "--solver", solver, "-o", "$D/out.json")
		if code != ExitFailure || strings.Contains(stdout, "NaN") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and no NaN", solver, code, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "out.json")); err == nil {
			t.Errorf("%s: a model with non-finite numbers was written", solver)
		}
	}
}

// TestFitLargeTarget: y of order 1e200 has a finite OLS fit (the same line as
// y/1e200, scaled), so fit should report R² = 0.64 from scaled sums of
// squares. Today it stops with a clear error (T/fit_loss_overflow), which
// keeps the promise of no NaN; this test states the better answer.
func TestFitLargeTarget(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "huge.csv"), []byte("x,y\n1,1e200\n2,3e200\n3,2e200\n4,5e200\n5,4e200\n"), 0o644)
	for _, solver := range []string{"qr", "svd", "cholesky"} {
		code, stdout, stderr := runLSQ(dir, nil, "fit", "$D/huge.csv", "--solver", solver, "--summary")
		if code != ExitOK || strings.Contains(stdout, "NaN") || strings.Contains(stdout, "Inf") || !strings.Contains(stdout, "R² 0.64") {
			t.Errorf("%s: exit %d\n%s%s", solver, code, stdout, stderr)
		}
	}
}

// TestFitColumnScales: columns of order 1e300 and 1e-300 are independent;
// least squares is invariant under scaling a column (the coefficient scales
// inversely), so the fit must equal that of the unscaled columns x = 1..5,
// z = (1,3,2,5,4): intercept 0.3667, coefficients 1.7222e-300 and
// −0.7778e300, R² 0.964715 (lsq fit on the unscaled file) — or fail clearly.
func TestFitColumnScales(t *testing.T) {
	knownGap(t, "linear: standardising a 1e300 column overflows and a 1e-300 column underflows; rank 1/2, the wrong column reported aliased, R² 0.8176")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "scale.csv"), []byte("big,small,y\n1e300,1e-300,1\n2e300,3e-300,2\n3e300,2e-300,4\n4e300,5e-300,3\n5e300,4e-300,6\n"), 0o644)
	code, stdout, stderr := runLSQ(dir, nil, "fit", "$D/scale.csv")
	if code != ExitOK || !strings.Contains(stdout, "rank 2/2") || !strings.Contains(stdout, "R² 0.964715") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestModelNullCoefficient: "coef": [null] in a hand-edited model file must
// be refused, not read as 0.
func TestModelNullCoefficient(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tut.csv"), []byte(errorFixtures["tut.csv"]), 0o644)
	os.WriteFile(filepath.Join(dir, "m.json"), []byte(`{"format": "lsq-model", "version": 1, "kind": "linear", "features": ["x"], "coef": [null], "intercept": 2.2}`), 0o644)
	code, _, stderr := runLSQ(dir, nil, "predict", "$D/m.json", "$D/tut.csv", "-o", "$D/out.csv")
	if code != ExitFailure || !strings.Contains(stderr, "m.json") {
		t.Errorf("exit %d, stderr %q; want exit 1 naming m.json", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Error("predictions were written")
	}
}

// TestPathLargeTarget: path and cv on y ~ 1e200 (a target that varies) must
// not claim that its variance is 0: its variance overflows float64, and
// the error says so.
func TestPathLargeTarget(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "h.csv"), []byte("x,z,y\n1,1,1e200\n2,3,2e200\n3,2,4e200\n4,5,3e200\n5,4,6e200\n6,1,5e200\n7,2,8e200\n8,9,7e200\n"), 0o644)
	code, stdout, stderr := runLSQ(dir, nil, "path", "$D/h.csv", "--n-alphas", "3")
	if strings.Contains(stderr, "variance of y 0") || (code == ExitOK && strings.Contains(stdout, "NaN")) ||
		(code != ExitOK && !strings.Contains(stderr, "overflows")) {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// fullWriter accepts room bytes, then fails as a full disk does.
type fullWriter struct{ room int }

func (f *fullWriter) Write(p []byte) (int, error) {
	if len(p) > f.room {
		n := f.room
		f.room = 0
		return n, syscall.ENOSPC
	}
	f.room -= len(p)
	return len(p), nil
}

// TestStdoutWriteError: results that cannot all be written to standard
// output (lsq fit data.csv > summary.txt on a full disk) make the command
// fail with exit 1, for text and JSON alike, instead of exit 0 over a
// truncated file.
func TestStdoutWriteError(t *testing.T) {
	dir := t.TempDir()
	for name, body := range errorFixtures {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	for _, args := range [][]string{
		{"fit", "$D/tut.csv"},
		{"fit", "$D/tut.csv", "--json"},
		{"fit", "$D/tut.csv", "--summary"},
		{"eval", "$D/good.json", "$D/tut.csv"},
		{"predict", "$D/good.json", "$D/tut.csv"},
		{"curve", "$D/c.csv", "--model", "a*x", "--start", "a=1"},
		{"path", "$D/ab.csv"},
		{"demo"},
		{"demo", "lr"},
		{"demo", "regularization"},
		{"demo", "nonlinear"},
		{"demo", "q5", "--lang", "zh"},
		{"version"},
	} {
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "$D", dir)
		}
		var errb bytes.Buffer
		// 10 bytes: less than any command's first line of results.
		code := Main(context.Background(), args, IO{In: strings.NewReader(""), Out: &fullWriter{room: 10}, Err: &errb})
		if code != ExitFailure || !strings.Contains(errb.String(), "no space left on device") {
			t.Errorf("lsq %s on a full disk: exit %d, stderr %q; want exit 1 saying why", strings.Join(args, " "), code, errb.String())
		}
	}
}

// TestOutputToDevice: -o /dev/stdout (or any existing non-regular file: a
// device, a FIFO) must be written to, not replaced by a regular file renamed
// over it. Shown here with a FIFO in a temporary directory.
func TestOutputToDevice(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tut.csv"), []byte(errorFixtures["tut.csv"]), 0o644)
	os.WriteFile(filepath.Join(dir, "good.json"), []byte(errorFixtures["good.json"]), 0o644)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	code, _, stderr := runLSQ(dir, nil, "predict", "$D/good.json", "$D/tut.csv", "-o", "$D/fifo")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		// The reader is blocked on the old FIFO for good: do not wait for it.
		t.Fatalf("the FIFO was replaced by a regular file (%v)", err)
	}
	// predictions 2.2 + 0.6·x at x = 1..5 in float64, printed shortest.
	if s := <-got; !strings.HasPrefix(s, "prediction\n2.8000000000000003\n3.4000000000000004\n4\n") {
		t.Errorf("the reader got %q", s)
	}
}

// TestErrorsDocBacked keeps docs/errors.md honest: every table row names at
// least one test, every named test exists, and every case of the error table
// appears in the document.
func TestErrorsDocBacked(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "errors.md"))
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	files, _ := filepath.Glob("*_test.go")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		src.Write(b)
	}
	cases := map[string]bool{}
	for _, c := range errorCases {
		cases[c.name] = true
	}
	refT := regexp.MustCompile("`T/([A-Za-z0-9_.-]+)`")
	refScript := regexp.MustCompile(`\b([a-z_]+)\.txtar\b`)
	refTest := regexp.MustCompile("`(Test[A-Za-z0-9_]+)`")
	rows, inTable := 0, false
	for i, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		if !inTable { // the header row, then the separator
			inTable = true
			continue
		}
		if strings.HasPrefix(line, "|--") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		last := cells[len(cells)-1]
		if strings.Contains(line, "| code | meaning |") || len(cells) == 2 {
			continue // the exit-code table
		}
		rows++
		n := 0
		for _, m := range refT.FindAllStringSubmatch(last, -1) {
			n++
			if !cases[m[1]] {
				t.Errorf("docs/errors.md:%d: no case %q in errorCases", i+1, m[1])
			}
		}
		for _, m := range refScript.FindAllStringSubmatch(last, -1) {
			n++
			if _, err := os.Stat(filepath.Join("testdata", "script", m[1]+".txtar")); err != nil {
				t.Errorf("docs/errors.md:%d: no script %s.txtar", i+1, m[1])
			}
		}
		for _, m := range refTest.FindAllStringSubmatch(last, -1) {
			n++
			if !strings.Contains(src.String(), "func "+m[1]+"(") {
				t.Errorf("docs/errors.md:%d: no test function %s", i+1, m[1])
			}
		}
		if n == 0 {
			t.Errorf("docs/errors.md:%d: row names no test: %s", i+1, line)
		}
	}
	t.Logf("%d table rows, each backed by a test", rows)
	if rows < 60 {
		t.Errorf("only %d rows found in docs/errors.md; is the table format changed?", rows)
	}
	for name := range cases {
		if !strings.Contains(string(doc), "`T/"+name+"`") {
			t.Errorf("errorCases %q is not in docs/errors.md", name)
		}
	}
}

// TestCurveLargeTarget: the straight line through y = (1,3,2,5,4)·1e200 at
// x = 1..5 is a = 8e199, b = 6e199 (the OLS line scaled by 1e200); RSS =
// 3.6e400 is beyond float64, but the fit, its residual SD √(3.6e400/3) =
// 1.095e200 and its exit code must not depend on that.
func TestCurveLargeTarget(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "huge.csv"), []byte("x,y\n1,1e200\n2,3e200\n3,2e200\n4,5e200\n5,4e200\n"), 0o644)
	code, stdout, stderr := runLSQ(dir, nil, "curve", "$D/huge.csv", "--model", "a*x+b", "--start", "a=1e200,b=1e200")
	if code != ExitOK || strings.Contains(stdout, "Inf") || strings.Contains(stdout, "NaN") || !strings.Contains(stdout, "8e+199") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestPenalizedSolverModelFile: cd and fista have no learning rate or
// optimiser state; saving their model must not dereference one (it panicked).
// The lasso on tut.csv at α = 0.1 (standardised x, sd √2): soft-thresholding
// the OLS slope on the standardised scale, 0.6·√2 − 0.1 = 0.74853, gives the
// slope 0.74853/√2 = 0.52929 and the intercept ȳ − x̄·slope = 4 − 3·0.52929 =
// 2.41213, so the first prediction is 2.41213 + 0.52929 = 2.94142.
func TestPenalizedSolverModelFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tut.csv"), []byte(errorFixtures["tut.csv"]), 0o644)
	for _, solver := range []string{"cd", "fista"} {
		code, _, stderr := runLSQ(dir, nil, "fit", "$D/tut.csv", "--solver", solver, "--penalty", "l1", "--alpha", "0.1", "-o", "$D/m.json")
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", solver, code, stderr)
		}
		_, out, stderr := runLSQ(dir, nil, "predict", "$D/m.json", "$D/tut.csv")
		lines := strings.Split(out, "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "2.94142") {
			t.Errorf("%s: predictions %q %s", solver, out, stderr)
		}
	}
}

// panicWriter stands for any bug that panics inside a command.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom") }

// TestPanicIsInternalError: a panic inside a command is reported as an
// internal error with exit 1, not the runtime's exit 2 (which would read as
// a usage error) and not a crash of the caller.
func TestPanicIsInternalError(t *testing.T) {
	var errb bytes.Buffer
	code := Main(context.Background(), []string{"version"}, IO{In: strings.NewReader(""), Out: panicWriter{}, Err: &errb})
	if code != ExitFailure || !strings.Contains(errb.String(), "lsq: internal error: boom") || !strings.Contains(errb.String(), "This is a bug in lsq") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// TestPlotFlatRange: a plot whose axis range is a few ulps wide (gradient
// descent on a constant target: every y is 3, the fitted line 3 + 4e-16)
// must draw. The command runs in a child process with its address space
// capped at 2 GiB and a one-minute limit, so that a runaway allocation
// fails fast instead of exhausting the machine.
func TestPlotFlatRange(t *testing.T) {
	if dir := os.Getenv("LSQ_PLOT_HELPER_DIR"); dir != "" {
		lim := &syscall.Rlimit{Cur: 2 << 30, Max: 2 << 30}
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, lim); err != nil {
			t.Skip("cannot bound memory:", err)
		}
		if code, _, stderr := runLSQ(dir, nil, "fit", "$D/ct.csv", "--solver", "gd", "--plot", "$D/p.svg"); code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ct.csv"), []byte("x,y\n1,3\n2,3\n"), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestPlotFlatRange$")
	cmd.Env = append(os.Environ(), "LSQ_PLOT_HELPER_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if len(out) > 2000 {
			out = out[:2000]
		}
		t.Fatalf("the plot failed: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "p.svg")); err != nil {
		t.Error("no plot written")
	}
}

// With several flags that do not apply, the usage error names the same one
// every run, the first in the order the flags are checked (the checks once
// ranged over maps, whose order Go randomises).
func TestRefusalNamesFirstFlag(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tut.csv"), []byte(errorFixtures["tut.csv"]), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"net", "$D/tut.csv", "--solver", "lm", "--weight-decay", "0.1", "--clip-value", "1", "--clip-norm", "1", "--lr", "0.1", "-o", "$D/out"}, "lsq: --lr does not apply to --solver lm"},
		{[]string{"fit", "$D/tut.csv", "--solver", "adam", "--weight-decay", "-1", "--clip-value", "-1", "--clip-norm", "-1", "-o", "$D/out"}, "lsq: --clip-norm -1 must be"},
		{[]string{"net", "$D/tut.csv", "--weight-decay", "-1", "--clip-value", "-1", "-o", "$D/out"}, "lsq: --clip-value -1 must be"},
	} {
		for range 10 {
			code, _, stderr := runLSQ(dir, nil, c.args...)
			if code != ExitUsage || !strings.HasPrefix(stderr, c.want) {
				t.Fatalf("lsq %s: exit %d, stderr %q; want exit %d and %q", strings.Join(c.args, " "), code, stderr, ExitUsage, c.want)
			}
		}
	}
}
