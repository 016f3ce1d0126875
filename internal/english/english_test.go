package english

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 epochs"}, {1, "1 epoch"}, {2, "2 epochs"}, {-1, "-1 epochs"}, {811, "811 epochs"}} {
		if got := Count(c.n, "epoch"); got != c.want {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestCountInt64(t *testing.T) {
	if got := Count(int64(1), "row"); got != "1 row" {
		t.Errorf("Count(int64(1)) = %q", got)
	}
	if got := Count(int64(1)<<40, "row"); got != "1099511627776 rows" {
		t.Errorf("Count(1<<40) = %q", got)
	}
}

func TestNoun(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{1, "step"}, {0, "steps"}, {2, "steps"}, {1.5, "steps"}, {1e20, "steps"}} {
		if got := Noun(c.x, "step"); got != c.want {
			t.Errorf("Noun(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}
