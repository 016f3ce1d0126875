package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointDamaged: a checkpoint that was truncated, or damaged or
// edited after it was written, is refused by --resume with a message that
// names the file and what is wrong: exit 1, nothing on standard output, no
// model written. An intact one resumes.
func TestCheckpointDamaged(t *testing.T) {
	dir := t.TempDir()
	data := writeRegression(t, dir, 200)
	ctx := context.Background()
	common := []string{"fit", data, "--solver", "adam", "--seed", "3", "--tol", "-1"}
	cp := filepath.Join(dir, "cp.json")
	if _, code, stderr := runFitJSON(t, ctx, append(common, "--epochs", "5", "--checkpoint", cp)...); code != ExitNotConverged {
		t.Fatalf("writing the checkpoint: exit %d: %s", code, stderr)
	}
	good, err := os.ReadFile(cp)
	if err != nil {
		t.Fatal(err)
	}
	if res, code, stderr := runFitJSON(t, ctx, append(common, "--epochs", "8", "--resume", cp)...); code != ExitNotConverged || res.Iterations != 8 {
		t.Fatalf("the intact checkpoint does not resume: exit %d, %d epochs: %s", code, res.Iterations, stderr)
	}

	// edit decodes the checkpoint's JSON, changes it and encodes it again.
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	state := func(m map[string]any) map[string]any { return m["state"].(map[string]any) }
	extra := func(m map[string]any) map[string]any { return state(m)["extra"].(map[string]any) }
	blob := extra(func() map[string]any { var m map[string]any; json.Unmarshal(good, &m); return m }())["checkpoint"].(string)
	// A character in the middle of the base64 text changed: still valid
	// base64 and, often, a valid encoding of other numbers.
	mid := len(blob) / 2
	flipped := blob[:mid] + string("AB"[map[bool]int{true: 1, false: 0}[blob[mid] == 'A']]) + blob[mid+1:]

	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"truncated", good[:len(good)/2], "the model file is truncated"},
		{"empty", nil, "the file is empty"},
		{"blob_flipped", edit(func(m map[string]any) { extra(m)["checkpoint"] = flipped }), "the optimiser state is damaged: its SHA-256 checksum does not match"},
		{"blob_flipped_no_checksum", edit(func(m map[string]any) {
			extra(m)["checkpoint"] = blob[:len(blob)/2]
			delete(extra(m), "checkpoint_sha256")
		}), "the optimiser state is damaged"},
		{"params_edited", edit(func(m map[string]any) { state(m)["params"].([]any)[0] = 123.0 }), "the optimiser state is damaged: parameter 1 is"},
		{"epoch_edited", edit(func(m map[string]any) { state(m)["epoch"] = 2.0 }), "the optimiser state is damaged: it is at epoch 5, step"},
		{"checksum_edited", edit(func(m map[string]any) { extra(m)["checkpoint_sha256"] = strings.Repeat("0", 64) }), "checksum does not match"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(dir, c.name+".json")
			os.WriteFile(bad, c.file, 0o644)
			out := filepath.Join(dir, c.name+"-out.json")
			var stdout, stderr bytes.Buffer
			code := Main(ctx, append(common, "--epochs", "8", "--resume", bad, "-o", out), IO{Out: &stdout, Err: &stderr})
			if code != ExitFailure || !strings.Contains(stderr.String(), bad+": ") || !strings.Contains(stderr.String(), c.want) {
				t.Fatalf("exit %d, stderr %q; want exit 1 and %q naming the file", code, stderr.String(), c.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a model was written from a damaged checkpoint")
			}
		})
	}
}
