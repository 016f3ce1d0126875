package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsqgo/lsq/modelio"
)

// TestCurveStartOrder: the parameters are listed in the order of --start
// in the table, the JSON param_order and the model file, whatever their
// names; the estimates do not depend on the order.
func TestCurveStartOrder(t *testing.T) {
	dir := t.TempDir()
	// y = b(1 − e^(−a x)) with b = 6.5, a = 0.5 exactly at x = 1…5.
	if err := os.WriteFile(filepath.Join(dir, "c.csv"), []byte("x,y\n1,2.5575507118679\n2,4.1087836323856\n3,5.0496539590352\n4,5.620320658962\n5,5.9664475089447\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var est []map[string]float64
	for _, start := range []string{"b=7,a=0.4", "a=0.4,b=7"} {
		code, out, errs := runLSQ(dir, nil, "curve", "$D/c.csv", "--model", "b*(1-exp(-a*x))", "--start", start, "--json", "-o", "$D/m.json")
		if code != ExitOK {
			t.Fatalf("%s: exit %d %s", start, code, errs)
		}
		var got struct {
			ParamOrder []string `json:"param_order"`
			Params     map[string]float64
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		want := []string{start[:1], start[strings.IndexByte(start, ',')+1:][:1]}
		for _, obj := range []string{`"params"`, `"stderr"`, `"ci_high"`} {
			rest := out[strings.Index(out, obj):]
			if i, j := strings.Index(rest, `"`+want[0]+`":`), strings.Index(rest, `"`+want[1]+`":`); i < 0 || j < i {
				t.Errorf("--start %s: %s not in --start order", start, obj)
			}
		}
		m, err := modelio.Load(filepath.Join(dir, "m.json"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got.ParamOrder, ",") != strings.Join(want, ",") || strings.Join(m.ParamOrder, ",") != strings.Join(want, ",") {
			t.Errorf("--start %s: param_order %v, model %v", start, got.ParamOrder, m.ParamOrder)
		}
		_, table, _ := runLSQ(dir, nil, "curve", "$D/c.csv", "--model", "b*(1-exp(-a*x))", "--start", start)
		if i, j := strings.Index(table, "\n  "+want[0]+" "), strings.Index(table, "\n  "+want[1]+" "); i < 0 || j < i {
			t.Errorf("--start %s: table order wrong:\n%s", start, table)
		}
		est = append(est, got.Params)
	}
	// 1e-9: the data are rounded to 14 digits and LM stops at its xtol.
	for _, p := range []string{"a", "b"} {
		if !relClose(est[0][p], est[1][p], 1e-9) || !relClose(est[0][p], map[string]float64{"a": 0.5, "b": 6.5}[p], 1e-9) {
			t.Errorf("%s: %v and %v", p, est[0][p], est[1][p])
		}
	}
}
