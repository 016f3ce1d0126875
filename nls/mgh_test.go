package nls

import (
	"context"
	"math"
	"testing"

	"github.com/lsqgo/lsq"
)

// mghProblem is a test problem of Moré, Garbow and Hillstrom, "Testing
// unconstrained optimization software", ACM TOMS 7 (1981) 17–41, written as a
// model over data columns so that the derivatives are exact. Problems whose
// residuals differ in form use indicator columns s1, s2, ... (1 on the rows
// of that residual, 0 elsewhere).
type mghProblem struct {
	name   string
	model  string
	cols   map[string][]float64
	y      []float64
	params []string
	x0     []float64
	fmin   []float64 // Σr² at the minima reported in the paper (local ones included)
	// singular: the minimiser reached has a rank-deficient Jacobian, which
	// must be reported as Failure.
	singular bool
}

func seq(m int, f func(i int) float64) []float64 {
	v := make([]float64, m)
	for i := range v {
		v[i] = f(i + 1)
	}
	return v
}

func indicators(m int) map[string][]float64 {
	c := map[string][]float64{}
	for k := 1; k <= m; k++ {
		v := make([]float64, m)
		v[k-1] = 1
		c["s"+string(rune('0'+k))] = v
	}
	return c
}

func mghProblems() []mghProblem {
	var ps []mghProblem
	// (2) Freudenstein and Roth: local minimum 48.9842 at (11.41, −0.8968), global 0 at (5, 4).
	ps = append(ps, mghProblem{
		name:  "FreudensteinRoth",
		model: "s1*(-13 + x1 + ((5-x2)*x2 - 2)*x2) + s2*(-29 + x1 + ((x2+1)*x2 - 14)*x2)",
		cols:  indicators(2), y: []float64{0, 0}, params: []string{"x1", "x2"},
		x0: []float64{0.5, -2}, fmin: []float64{48.9842, 0},
	})
	// (3) Powell badly scaled: 0 at (1.098e-5, 9.106).
	ps = append(ps, mghProblem{
		name:  "PowellBadlyScaled",
		model: "s1*(1e4*x1*x2 - 1) + s2*(exp(-x1) + exp(-x2) - 1.0001)",
		cols:  indicators(2), y: []float64{0, 0}, params: []string{"x1", "x2"},
		x0: []float64{0, 1}, fmin: []float64{0},
	})
	// (4) Brown badly scaled: 0 at (1e6, 2e-6).
	ps = append(ps, mghProblem{
		name:  "BrownBadlyScaled",
		model: "s1*(x1 - 1e6) + s2*(x2 - 2e-6) + s3*(x1*x2 - 2)",
		cols:  indicators(3), y: []float64{0, 0, 0}, params: []string{"x1", "x2"},
		x0: []float64{1, 1}, fmin: []float64{0},
	})
	// (5) Beale: 0 at (3, 0.5).
	ps = append(ps, mghProblem{
		name:  "Beale",
		model: "y - x1*(1 - x2^i)",
		cols:  map[string][]float64{"i": {1, 2, 3}, "y": {1.5, 2.25, 2.625}}, y: []float64{0, 0, 0},
		params: []string{"x1", "x2"}, x0: []float64{1, 1}, fmin: []float64{0},
	})
	// (6) Jennrich and Sampson, m = 10: 124.362 at x1 = x2 = 0.2578.
	i10 := seq(10, func(i int) float64 { return float64(i) })
	ps = append(ps, mghProblem{
		name: "JennrichSampson", model: "exp(i*x1) + exp(i*x2)",
		cols: map[string][]float64{"i": i10}, y: seq(10, func(i int) float64 { return 2 + 2*float64(i) }),
		params: []string{"x1", "x2"}, x0: []float64{0.3, 0.4}, fmin: []float64{124.362},
		// At the minimum x1 = x2, so the two columns of J are equal.
		singular: true,
	})
	// (8) Bard: 8.21487e-3.
	bardY := []float64{0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39}
	ps = append(ps, mghProblem{
		name: "Bard", model: "x1 + u/(v*x2 + w*x3)",
		cols: map[string][]float64{
			"u": seq(15, func(i int) float64 { return float64(i) }),
			"v": seq(15, func(i int) float64 { return float64(16 - i) }),
			"w": seq(15, func(i int) float64 { return math.Min(float64(i), float64(16-i)) }),
		},
		y: bardY, params: []string{"x1", "x2", "x3"}, x0: []float64{1, 1, 1}, fmin: []float64{8.21487e-3},
	})
	// (9) Gaussian: 1.12793e-8.
	ps = append(ps, mghProblem{
		name: "Gaussian", model: "x1*exp(-x2*(t-x3)^2/2)",
		cols: map[string][]float64{"t": seq(15, func(i int) float64 { return float64(8-i) / 2 })},
		y: []float64{0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989,
			0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009},
		params: []string{"x1", "x2", "x3"}, x0: []float64{0.4, 1, 0}, fmin: []float64{1.12793e-8},
	})
	// (10) Meyer: 87.9458.
	ps = append(ps, mghProblem{
		name: "Meyer", model: "x1*exp(x2/(t+x3))",
		cols: map[string][]float64{"t": seq(16, func(i int) float64 { return 45 + 5*float64(i) })},
		y: []float64{34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744, 8261, 7030,
			6005, 5147, 4427, 3820, 3307, 2872},
		params: []string{"x1", "x2", "x3"}, x0: []float64{0.02, 4000, 250}, fmin: []float64{87.9458},
	})
	// (12) Box three-dimensional, m = 10: 0 at (1, 10, 1) (and on the line x1 = x2, x3 = 0).
	ps = append(ps, mghProblem{
		name: "Box3D", model: "exp(-t*x1) - exp(-t*x2) - x3*(exp(-t) - exp(-10*t))",
		cols: map[string][]float64{"t": seq(10, func(i int) float64 { return 0.1 * float64(i) })},
		y:    make([]float64, 10), params: []string{"x1", "x2", "x3"}, x0: []float64{0, 10, 20}, fmin: []float64{0},
	})
	// (15) Kowalik and Osborne: 3.07505e-4.
	ps = append(ps, mghProblem{
		name: "KowalikOsborne", model: "x1*(u^2 + u*x2)/(u^2 + u*x3 + x4)",
		cols:   map[string][]float64{"u": {4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625}},
		y:      []float64{0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246},
		params: []string{"x1", "x2", "x3", "x4"}, x0: []float64{0.25, 0.39, 0.415, 0.39}, fmin: []float64{3.07505e-4},
	})
	// (16) Brown and Dennis, m = 20: 85822.2.
	ps = append(ps, mghProblem{
		name: "BrownDennis", model: "(x1 + t*x2 - exp(t))^2 + (x3 + x4*sin(t) - cos(t))^2",
		cols: map[string][]float64{"t": seq(20, func(i int) float64 { return float64(i) / 5 })},
		y:    make([]float64, 20), params: []string{"x1", "x2", "x3", "x4"}, x0: []float64{25, 5, -5, -1},
		fmin: []float64{85822.2},
	})
	// (17) Osborne 1: 5.46489e-5.
	ps = append(ps, mghProblem{
		name: "Osborne1", model: "x1 + x2*exp(-t*x4) + x3*exp(-t*x5)",
		cols: map[string][]float64{"t": seq(33, func(i int) float64 { return 10 * float64(i-1) })},
		y: []float64{0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751,
			0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478,
			0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406},
		params: []string{"x1", "x2", "x3", "x4", "x5"}, x0: []float64{0.5, 1.5, -1, 0.01, 0.02},
		fmin: []float64{5.46489e-5},
	})
	// (18) Biggs EXP6, m = 13: 5.65565e-3 (local) or 0 at (1, 10, 1, 5, 4, 3).
	t13 := seq(13, func(i int) float64 { return 0.1 * float64(i) })
	ps = append(ps, mghProblem{
		name: "BiggsEXP6", model: "x3*exp(-t*x1) - x4*exp(-t*x2) + x6*exp(-t*x5)",
		cols: map[string][]float64{"t": t13},
		y: seq(13, func(i int) float64 {
			t := t13[i-1]
			return math.Exp(-t) - 5*math.Exp(-10*t) + 3*math.Exp(-4*t)
		}),
		params: []string{"x1", "x2", "x3", "x4", "x5", "x6"}, x0: []float64{1, 2, 1, 1, 1, 1},
		fmin: []float64{5.65565e-3, 0},
	})
	return ps
}

// TestMoreGarbowHillstrom runs Levenberg–Marquardt from the paper's standard
// starting points. Each run must reach one of the minima the paper reports
// (Σr² to its 6 printed digits, or below 1e-20 for a zero minimum), and
// report success exactly when the Jacobian there has full rank.
func TestMoreGarbowHillstrom(t *testing.T) {
	for _, p := range mghProblems() {
		start := map[string]float64{}
		for j, n := range p.params {
			start[n] = p.x0[j]
		}
		res, err := Curve(context.Background(), p.model, p.y, p.cols, start, nil)
		if err != nil {
			t.Errorf("%s: %v", p.name, err)
			continue
		}
		matched := false
		for _, f := range p.fmin {
			if (f == 0 && res.RSS < 1e-20) || math.Abs(res.RSS-f) <= 5e-6*f {
				matched = true
			}
		}
		switch {
		case p.singular:
			if res.Status != lsq.Failure || !matched {
				t.Errorf("%s: status %v, Σr² = %.6g: want Failure (singular Jacobian) at %v", p.name, res.Status, res.RSS, p.fmin)
			}
		case !res.Status.Converged() || !matched:
			t.Errorf("%s: status %v (%s), Σr² = %.6g, want one of %v", p.name, res.Status, res.Message, res.RSS, p.fmin)
		}
		t.Logf("%-18s Σr² = %-12.6g %v, %d evaluations, x = %.6g", p.name, res.RSS, res.Status, res.Evaluations, res.X)
	}
}
