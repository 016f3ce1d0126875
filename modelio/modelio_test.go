package modelio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sample() *Model {
	return &Model{
		Kind: KindLinear, Target: "y", Features: []string{"x1", "x2"},
		Coef: []float64{0.6, -1.25e-7}, Intercept: 2.2, FitIntercept: true,
		Solver: Solver{Name: "qr"},
		State:  &State{Params: []float64{0.1, 0.2, 0.3}, Epoch: 7, Optimizer: map[string][]float64{"m": {1, 2, 3}}},
	}
}

func TestRoundTripIsExact(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.json")
	m := sample()
	if err := Save(p, m); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	// encoding/json writes the shortest representation that round-trips, so
	// every float must come back bit for bit (needed for exact resumes).
	for i := range m.Coef {
		if got.Coef[i] != m.Coef[i] {
			t.Errorf("coef[%d] = %v, want %v", i, got.Coef[i], m.Coef[i])
		}
	}
	if got.Intercept != m.Intercept || got.State.Epoch != 7 || got.State.Params[2] != 0.3 {
		t.Errorf("round trip lost data: %+v", got)
	}
	if got.Format != Format || got.Version != CurrentVersion {
		t.Errorf("header %q v%d", got.Format, got.Version)
	}
}

func TestDecodeRejects(t *testing.T) {
	var good bytes.Buffer
	if err := Encode(&good, sample()); err != nil {
		t.Fatal(err)
	}
	g := good.String()
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", "empty"},
		{"not json", "x,y\n1,2\n", "not an lsq model"},
		{"truncated", g[:len(g)/2], "truncated"},
		{"other json", `{"a": 1}`, "not an lsq model"},
		{"newer", strings.Replace(g, `"version": 1`, `"version": 99`, 1), "newer than this lsq"},
		{"no version", strings.Replace(g, `"version": 1,`, ``, 1), "no \"version\""},
		{"count mismatch", strings.Replace(g, `"x2"`, `"x2", "x3"`, 1), "3 features but 2 coefficients"},
		{"bad kind", strings.Replace(g, `"kind": "linear"`, `"kind": "tree"`, 1), "unknown model kind"},
		{"nonsense value", strings.Replace(g, `"intercept": 2.2`, `"intercept": "two"`, 1), "field \"intercept\" holds a string"},
		{"duplicate feature", strings.Replace(g, `"x2"`, `"x1"`, 1), "appears twice"},
		{"null coefficient", strings.Replace(g, `0.6,`, `null,`, 1), "coefficient 1 is null"},
		{"null intercept", strings.Replace(g, `"intercept": 2.2`, `"intercept": null`, 1), "intercept is null"},
	}
	for _, c := range cases {
		_, err := Decode([]byte(c.in), "m.json")
		var me *Error
		if !errors.As(err, &me) {
			t.Errorf("%s: err = %v, want *Error", c.name, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "m.json: ") {
			t.Errorf("%s: error %q, want it to start with the file and mention %q", c.name, err, c.want)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.json"))
	if err == nil || !strings.Contains(err.Error(), "nope.json") {
		t.Fatalf("err = %v", err)
	}
}

func TestSaveRefusesNonFinite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.json")
	os.WriteFile(p, []byte("keep"), 0o644)
	m := sample()
	m.Coef[0] = 1 / zero()
	if err := Save(p, m); err == nil {
		t.Fatal("saving an infinite coefficient must fail")
	}
	if b, _ := os.ReadFile(p); string(b) != "keep" {
		t.Fatalf("failed save changed the existing file to %q", b)
	}
}

func zero() float64 { return 0 }

func FuzzDecode(f *testing.F) {
	var good bytes.Buffer
	Encode(&good, sample())
	f.Add(good.Bytes())
	f.Add([]byte(`{"format":"lsq-model","version":1,"kind":"curve","expression":"a*x","params":{"a":1},"param_order":["a","b"]}`))
	f.Add([]byte(`{"format":"lsq-model","version":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b, "f.json")
		if err != nil {
			return
		}
		// Anything accepted must be usable without panicking.
		if m.Kind == KindLinear {
			lin := m.Linear()
			lin.Predict(make([]float64, len(lin.Coef)))
		}
	})
}
