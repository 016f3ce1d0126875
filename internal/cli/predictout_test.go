package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPredictOutputWritten: with -o, predict writes to the file exactly what
// it prints without -o, and says so on standard output as every other
// command does ("predictions written to FILE"); without -o standard output
// is the CSV alone.
func TestPredictOutputWritten(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tut.csv"), []byte("x,y\n1,2\n2,4\n3,5\n4,4\n5,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runLSQ(dir, nil, "fit", "$D/tut.csv", "-o", "$D/m.json"); code != ExitOK {
		t.Fatalf("fit: exit %d: %s", code, errs)
	}
	code, csv, errs := runLSQ(dir, nil, "predict", "$D/m.json", "$D/tut.csv")
	if code != ExitOK || csv == "" {
		t.Fatalf("predict: exit %d: %s", code, errs)
	}
	out := filepath.Join(dir, "p.csv")
	code, stdout, errs := runLSQ(dir, nil, "predict", "$D/m.json", "$D/tut.csv", "-o", out)
	got, err := os.ReadFile(out)
	if code != ExitOK || err != nil || string(got) != csv {
		t.Fatalf("predict -o: exit %d, %v, file %q, want %q (%s)", code, err, got, csv, errs)
	}
	if want := "predictions written to " + out + "\n"; stdout != want {
		t.Errorf("predict -o printed %q, want %q", stdout, want)
	}
}
