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
	refused(t, &Model{Kind: KindLinear, Features: []string{"x", "z"}, Coef: []float64{1}}, "2 features but 1 coefficients")
}
