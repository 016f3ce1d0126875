package report

import (
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
)

// The textbook example: fit ŷ = m·x + b to five points. Its exact
// least-squares line is m* = 0.6, b* = 2.2 (Sxy/Sxx = 6/10, ȳ − m*·x̄ =
// 4 − 1.8), with residuals −0.8, 0.6, 1, −0.6, −0.2 and minimum loss
// SSE/(2n) = 2.4/10 = 0.24.
var (
	textbookX = []float64{1, 2, 3, 4, 5}
	textbookY = []float64{2, 4, 5, 4, 5}
)

const (
	textbookM    = 0.6
	textbookB    = 2.2
	textbookLoss = 0.24
)

// gd runs full-batch gradient descent on L(m, b) = (1/2n)Σ(y − m·x − b)²
// from (0, 0), returning the iterates and the trace (val, when given, is
// the held-out data the validation loss is measured on).
func gd(x, y []float64, lr float64, steps int, val [2][]float64) (ms, bs []float64, trace []lsq.Iteration) {
	n := float64(len(x))
	loss := func(x, y []float64, m, b float64) float64 {
		var s float64
		for i := range x {
			r := y[i] - m*x[i] - b
			s += r * r
		}
		return s / (2 * float64(len(x)))
	}
	m, b := 0.0, 0.0
	ms, bs = []float64{m}, []float64{b}
	for k := 1; k <= steps; k++ {
		var gm, gb float64
		for i := range x {
			r := y[i] - m*x[i] - b
			gm -= r * x[i] / n
			gb -= r / n
		}
		m -= lr * gm
		b -= lr * gb
		ms, bs = append(ms, m), append(bs, b)
		l := loss(x, y, m, b)
		vl := math.NaN()
		if val[0] != nil {
			vl = loss(val[0], val[1], m, b)
		}
		trace = append(trace, lsq.Iteration{
			Epoch: k, Step: k, LR: lr, Loss: l, Objective: l,
			GradNorm: math.Hypot(gm, gb), ValLoss: vl,
			Elapsed: time.Duration(k) * time.Millisecond,
		})
	}
	return ms, bs, trace
}

// standardise returns (x − mean)/sd with the population standard
// deviation, so that the Hessian of L in (m, b) is the identity.
func standardise(x []float64) []float64 {
	var mean, ss float64
	for _, v := range x {
		mean += v / float64(len(x))
	}
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	sd := math.Sqrt(ss / float64(len(x)))
	z := make([]float64, len(x))
	for i, v := range x {
		z[i] = (v - mean) / sd
	}
	return z
}

// noisyLine draws n points of y = 2 + 0.5·x + N(0, 0.5²), x uniform on
// [0, 10], from a fixed seed.
func noisyLine(n int, seed uint64) (x, y []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	x, y = make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = 10 * r.Float64()
		y[i] = 2 + 0.5*x[i] + 0.5*r.NormFloat64()
	}
	return x, y
}

// ridgePath computes the ridge coefficients on three correlated features
// over a log grid of α by the closed form (XᵀX/n + αI)w = Xᵀy/n on centred
// data: real shrinkage paths for the path plot.
func ridgePath() Path {
	const n, p = 60, 3
	r := rand.New(rand.NewPCG(7, 7))
	x := mat.NewDense(n, p, nil)
	y := mat.NewVecDense(n, nil)
	truth := []float64{3, -2, 0.5}
	for i := range n {
		z := r.NormFloat64()
		for j := range p {
			x.Set(i, j, z+0.7*r.NormFloat64()) // correlated through z
		}
		v := 0.3 * r.NormFloat64()
		for j := range p {
			v += truth[j] * x.At(i, j)
		}
		y.SetVec(i, v)
	}
	// Centre.
	for j := range p {
		var m float64
		for i := range n {
			m += x.At(i, j) / n
		}
		for i := range n {
			x.Set(i, j, x.At(i, j)-m)
		}
	}
	var xtx mat.SymDense
	xtx.SymOuterK(1.0/n, x.T())
	var xty mat.VecDense
	xty.MulVec(x.T(), y)
	xty.ScaleVec(1.0/n, &xty)
	path := Path{Features: []string{"age", "income", "tenure"}, Chosen: 0.1}
	for k := range 40 {
		alpha := math.Pow(10, 2-4*float64(k)/39) // 100 down to 0.01
		a := mat.NewSymDense(p, nil)
		a.CopySym(&xtx)
		for j := range p {
			a.SetSym(j, j, a.At(j, j)+alpha)
		}
		var w mat.VecDense
		if err := w.SolveVec(a, &xty); err != nil {
			panic(err)
		}
		path.Alphas = append(path.Alphas, alpha)
		path.Coef = append(path.Coef, []float64{w.AtVec(0), w.AtVec(1), w.AtVec(2)})
	}
	return path
}

// cvCurve is a synthetic U-shaped cross-validation curve (not a real CV
// run): error 1 + (log₁₀α + 1)² / 4 with standard errors 0.08 + 0.02·|log₁₀α|,
// minimum at α = 0.1; α_1se is then the largest α within one SE of it.
func cvCurve() CV {
	var cv CV
	for k := range 25 {
		la := 1 - 4*float64(k)/24 // log10 α from 1 down to −3
		cv.Alphas = append(cv.Alphas, math.Pow(10, la))
		cv.Mean = append(cv.Mean, 1+(la+1)*(la+1)/4)
		cv.SE = append(cv.SE, 0.08+0.02*math.Abs(la))
	}
	best := 0
	for k := range cv.Mean {
		if cv.Mean[k] < cv.Mean[best] {
			best = k
		}
	}
	cv.AlphaMin = cv.Alphas[best]
	cv.Alpha1SE = cv.AlphaMin
	for k := range cv.Mean {
		if cv.Mean[k] <= cv.Mean[best]+cv.SE[best] && cv.Alphas[k] > cv.Alpha1SE {
			cv.Alpha1SE = cv.Alphas[k]
		}
	}
	return cv
}

// textbookTwoOverL is 2/λ_max of the textbook Hessian [[11, 3], [3, 1]]
// (the means of x² and x, and 1): λ_max = 6 + √34, so 2/L = 2/(6 + √34).
var textbookTwoOverL = 2 / (6 + math.Sqrt(34))

// lrRange runs 10 steps of gradient descent on the textbook data at 40
// log-spaced rates from 1e-4 to 1 and records the final loss: it falls,
// bottoms out, then explodes past 2/L.
func lrRange() LRFind {
	var r LRFind
	best := 0
	for k := range 40 {
		lr := math.Pow(10, -4+4*float64(k)/39)
		_, _, tr := gd(textbookX, textbookY, lr, 10, [2][]float64{})
		r.Rates = append(r.Rates, lr)
		r.Losses = append(r.Losses, tr[len(tr)-1].Loss)
		if r.Losses[k] < r.Losses[best] {
			best = k
		}
	}
	r.Suggested = r.Rates[best] / 10 // a tenth of the best rate, the usual range-test rule
	r.TwoOverL = textbookTwoOverL
	return r
}

// Demo learning rates: 0.15 is below 2/L ≈ 0.169 but close enough that
// the steep direction zig-zags (1 − 0.15·11.83 ≈ −0.77) while the shallow
// one crawls (1 − 0.15·0.17 ≈ 0.97 per step); on standardised x the Hessian
// is the identity and 0.3 contracts the error by 0.7 per step, straight in.
const (
	demoRawLR = 0.15
	demoStdLR = 0.3
	demoSteps = 60
)

// demoSurfaces shows gradient descent zig-zagging down the raw valley and
// walking straight into the standardised bowl.
func demoSurfaces() (raw, std LossSurface) {
	ms, bs, _ := gd(textbookX, textbookY, demoRawLR, demoSteps, [2][]float64{})
	raw = LossSurface{Title: "Raw x: a long, thin valley", X: textbookX, Y: textbookY,
		Paths: []Iterates{{Label: "rate 0.15", Slope: ms, Intercept: bs}}}
	z := standardise(textbookX)
	ms, bs, _ = gd(z, textbookY, demoStdLR, demoSteps/3, [2][]float64{})
	std = LossSurface{Title: "Standardised x: a round bowl", X: z, Y: textbookY,
		Paths:  []Iterates{{Label: "rate 0.3", Slope: ms, Intercept: bs}},
		XLabel: "slope per SD of x"}
	return raw, std
}

// cliDemoSurfaces are the runs of the lsq demo command: the textbook's
// rate 0.01 for 1000 epochs and the rate 1/L = 1/(6 + √34) for 2000 on raw
// x, and 1/L = 1 on standardised x (H = I: one step lands on the minimum).
func cliDemoSurfaces() (raw, std LossSurface) {
	m1, b1, _ := gd(textbookX, textbookY, 0.01, 1000, [2][]float64{})
	m2, b2, _ := gd(textbookX, textbookY, 1/(6+math.Sqrt(34)), 2000, [2][]float64{})
	raw = LossSurface{Title: "Raw x", X: textbookX, Y: textbookY, Paths: []Iterates{
		{Label: "rate 0.01", Slope: m1, Intercept: b1},
		{Label: "rate 1/L", Slope: m2, Intercept: b2},
	}}
	z := standardise(textbookX)
	m3, b3, _ := gd(z, textbookY, 1, 3, [2][]float64{})
	std = LossSurface{Title: "Standardised x", X: z, Y: textbookY,
		Paths:  []Iterates{{Label: "rate 1/L", Slope: m3, Intercept: b3}},
		XLabel: "slope per SD of x"}
	return raw, std
}

// fitFixture is a gradient-descent fit of noisyLine with a validation set,
// at rate 0.05, just under 2/L ≈ 0.059 for x uniform on [0, 10].
func fitFixture() FitData {
	x, y := noisyLine(40, 1)
	vx, vy := noisyLine(20, 2)
	ms, bs, trace := gd(x, y, 0.05, 300, [2][]float64{vx, vy})
	m, b := ms[len(ms)-1], bs[len(bs)-1]
	q, err := newQuadratic(x, y)
	if err != nil {
		panic(err)
	}
	fitted := make([]float64, len(x))
	for i := range x {
		fitted[i] = m*x[i] + b
	}
	return FitData{
		Trace: trace, Optimum: q.fmin,
		X: x, Curve: func(v float64) float64 { return m*v + b }, XName: "x", YName: "y",
		Y: y, Fitted: fitted,
	}
}

// textbookLines are the two lines of the demo's most basic picture: where
// the textbook's gradient descent (raw x, rate 0.01, from 0) is after 1000
// steps — slope 0.696355, intercept 1.852128, as lsq demo prints — and the
// exact least-squares line.
func textbookLines() []Curve {
	ms, bs, _ := gd(textbookX, textbookY, 0.01, 1000, [2][]float64{})
	m, b := ms[len(ms)-1], bs[len(bs)-1]
	return []Curve{
		{Label: "textbook GD, 1000 steps", F: func(x float64) float64 { return b + m*x }},
		{Label: "exact least squares", F: func(x float64) float64 { return textbookB + textbookM*x }, Dashed: true},
	}
}
