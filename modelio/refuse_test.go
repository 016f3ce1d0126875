package modelio

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lsqgo/lsq"
)

// refused asserts that Encode refuses m, writing nothing, and that the file
// m would be — written by hand or by another program — is refused by Decode,
// both for the reason want; one definition of a readable model, checked on
// both sides.
func refused(t *testing.T, m *Model, want string) {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, m); err == nil || !strings.Contains(err.Error(), want) || b.Len() != 0 {
		t.Errorf("Encode: error %v after %d bytes, want %q and nothing written", err, b.Len(), want)
	}
	m.Format, m.Version, m.LSQVersion = Format, CurrentVersion, lsq.Version
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(raw, "m.json"); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Decode: error %v, want %q", err, want)
	}
}

// A model without a kind was once saved without complaint and then refused
// by Load: the file could not be read back.
func TestEncodeRefusesUnreadable(t *testing.T) {
	refused(t, &Model{Features: []string{"x"}, Coef: []float64{1}}, `unknown model kind ""`)
	refused(t, &Model{Kind: KindLinear, Features: []string{"x", "z"}, Coef: []float64{1}}, "2 features but 1 coefficient")
}

// Linear copies: a caller that edits the returned model does not edit the
// file's model (it once aliased the coefficient slice).
func TestLinearCopies(t *testing.T) {
	m := &Model{Kind: KindLinear, Features: []string{"x"}, Coef: []float64{0.6}, Intercept: 2.2}
	lin := m.Linear()
	lin.Coef[0], lin.Features[0] = 9, "z"
	if m.Coef[0] != 0.6 || m.Features[0] != "x" {
		t.Errorf("editing Linear()'s result changed the model: %v %v", m.Features, m.Coef)
	}
}
