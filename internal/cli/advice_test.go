package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Advice fits the case: cd and fista are told about their iteration limit,
// never about learning rates; a run that used the automatic rate is not told
// to use --lr auto; a run on raw inputs is told to standardise; a decayed
// schedule is named as the cause; the last iterate of mini-batches at a
// constant rate is told that the noise, not the epoch limit, holds it back.
func TestAdviceFitsTheCase(t *testing.T) {
	dir := t.TempDir()
	data := writeRegression(t, dir, 400)
	for _, c := range []struct {
		name      string
		args      []string
		want, not []string
	}{
		{"cd", []string{"--penalty", "l1", "--alpha", "0.01", "--epochs", "1", "--tol", "1e-15"},
			[]string{"cd stopped", "duality gap", "--epochs"}, []string{"--lr", "standardi"}},
		{"gd auto", []string{"--solver", "gd", "--epochs", "2"},
			[]string{"iteration-limit", "% from the optimum", "raise --epochs"}, []string{"--lr auto", "--standardize"}},
		{"gd raw rate", []string{"--solver", "gd", "--epochs", "2", "--lr", "1e-6", "--standardize=false"},
			[]string{"use --lr auto", "drop --standardize=false"}, nil},
		{"sgd last iterate", []string{"--solver", "sgd", "--average=false", "--epochs", "200", "--tol", "1e-12"},
			[]string{"iteration-limit", "mini-batch noise", "keep --average", "decaying --schedule"}, []string{"raise --epochs"}},
		{"sgd full batch", []string{"--solver", "sgd", "--average=false", "--batch-size", "400", "--epochs", "2"},
			[]string{"raise --epochs"}, []string{"mini-batch noise"}},
		{"decayed", []string{"--solver", "gd", "--epochs", "200", "--schedule", "exponential:gamma=0.5"},
			[]string{"stalled", "the learning rate fell to", "schedule that decays less"}, []string{"raise --epochs"}},
	} {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append([]string{"fit", data}, c.args...), IO{Out: &out, Err: &errb})
		msg := errb.String()
		if code != ExitNotConverged {
			t.Errorf("%s: exit %d, want %d (not converged)\n%s", c.name, code, ExitNotConverged, msg)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message lacks %q:\n%s", c.name, w, msg)
			}
		}
		for _, n := range c.not {
			if strings.Contains(msg, n) {
				t.Errorf("%s: message should not say %q:\n%s", c.name, n, msg)
			}
		}
	}
}
