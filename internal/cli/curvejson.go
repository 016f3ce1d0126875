package cli

import (
	"bytes"
	"encoding/json"
)

// ordered is a map written as a JSON object with its keys in a given order
// (encoding/json sorts map keys).
type ordered[V any] struct {
	keys []string
	m    map[string]V
}

func (o ordered[V]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(o.m[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON writes the per-parameter objects in param_order, the order
// of --start.
func (o curveOutput) MarshalJSON() ([]byte, error) {
	type plain curveOutput
	k := o.ParamOrder
	return json.Marshal(struct {
		plain
		Params ordered[float64]   `json:"params"`
		StdErr ordered[jsonFloat] `json:"stderr"`
		T      ordered[jsonFloat] `json:"t"`
		P      ordered[jsonFloat] `json:"p"`
		CILow  ordered[jsonFloat] `json:"ci_low"`
		CIHigh ordered[jsonFloat] `json:"ci_high"`
	}{plain(o), ordered[float64]{k, o.Params}, ordered[jsonFloat]{k, o.StdErr}, ordered[jsonFloat]{k, o.T},
		ordered[jsonFloat]{k, o.P}, ordered[jsonFloat]{k, o.CILow}, ordered[jsonFloat]{k, o.CIHigh}})
}
