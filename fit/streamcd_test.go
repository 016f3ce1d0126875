package fit

import (
	"context"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/stream"
)

// cdBound is how far two cd fits of one problem, from two sources of its
// moments, may be apart, in the problem's coordinates β (standardised, or
// raw when Raw) with G, c, ycc its Gram matrix, Zᵀv·yc and Σv·yc²
// (v = w/Σw), μ = λ_min(G) + α(1−ρ) its strong convexity:
//
//   - each solve stops after a sweep that moved no coordinate by more than
//     tol·b_max/√G_kk (b_max = max|β_k|√G_kk), so every coordinate is
//     optimal up to a gradient residual Σ_k|G_jk|·tol·b_max/√G_kk ≤
//     d·√G_jj·tol·b_max, of norm ≤ d·tol·b_max·√tr G; by strong
//     monotonicity each fit is within that over μ of its problem's optimum;
//   - the two sources' moments differ by η = (n+2)ε relative to
//     √(G_jj G_kk) (γ_n, the worst case of summing n products in float64,
//     against the stream's double-double), which moves the optimum by at
//     most ‖δG·β − δc‖/μ ≤ η·√tr G·(Σ_k|β_k|√G_kk + √ycc)/μ.
//
// coef returns that bound on ‖Δβ‖₂; obj bounds the difference of the
// objectives: both gaps, plus ½η(Σ|β_k|√G_kk + √ycc)², the most the
// moments' difference changes the objective at one β, plus 4ε·ycc for the
// rounding of the objective itself.
type cdBound struct{ coef, obj float64 }

func cdBounds(g, c []float64, ycc float64, beta []float64, n int, tol, l2, gapA, gapB float64) cdBound {
	d := len(beta)
	eps := 0x1p-52
	eta := float64(n+2) * eps
	var tr, bmax, sb float64
	for j := range d {
		sj := math.Sqrt(g[j*d+j])
		tr += g[j*d+j]
		bmax = math.Max(bmax, math.Abs(beta[j])*sj)
		sb += math.Abs(beta[j]) * sj
	}
	var ev mat.EigenSym
	if !ev.Factorize(mat.NewSymDense(d, append([]float64(nil), g...)), false) {
		panic("eigen")
	}
	mu := ev.Values(nil)[0] + l2
	coef := (2*float64(d)*tol*bmax*math.Sqrt(tr) + eta*math.Sqrt(tr)*(sb+math.Sqrt(ycc))) / mu
	obj := gapA + gapB + 0.5*eta*(sb+math.Sqrt(ycc))*(sb+math.Sqrt(ycc)) + 4*eps*ycc
	return cdBound{coef, obj}
}

// One problem, two sources: the streamed cd fit (moments read off the QR
// accumulator of 1 or 3 partitions) is the in-memory cd fit of the same
// rows — lasso, elastic net and ridge; weighted and not; with and without
// intercept and standardisation; on data shifted by 1e6, where raw moments
// would cancel 12 digits — within cdBounds at a duality-gap tolerance of
// 1e-14: coefficients (in the problem's coordinates), intercept (through
// x̄/s), objective and MSE.
func TestStreamCDEqualsMatrix(t *testing.T) {
	const n, d = 600, 4
	x0, y0 := problem(n, d)
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.25 + float64(i%5)/2
	}
	ctx := context.Background()
	for _, shift := range []float64{0, 1e6} {
		x, y := mat.DenseCopyOf(x0), append([]float64(nil), y0...)
		for i := range n {
			for j := range d {
				x.Set(i, j, x.At(i, j)+shift)
			}
			y[i] += shift
		}
		for _, pen := range []penalty.Penalty{penalty.L1{Alpha: 0.05}, penalty.ElasticNet{Alpha: 0.1, L1Ratio: 0.5}, penalty.L2{Alpha: 0.1}} {
			alpha, rho, _ := elasticNet(pen)
			for _, weights := range [][]float64{nil, w} {
				for _, noInt := range []bool{false, true} {
					if noInt && shift != 0 {
						// Without intercept the shift is part of the model
						// (a Gram about the origin of condition ~1e12): a
						// gap of 1e-14 is below its rounding floor, and
						// there is no centring to test.
						continue
					}
					for _, raw := range []bool{false, true} {
						s := Settings{Solver: CD, Penalty: pen, NoIntercept: noInt, Raw: raw, GapTol: 1e-14}
						mem := s
						mem.Weights = weights
						want, err := Matrix(ctx, x, y, &mem)
						if err != nil {
							t.Fatal(err)
						}
						for _, k := range []int{1, 3} {
							parts := partitions(x, y, weights, k)
							got, err := Stream(ctx, parts, &s)
							if err != nil {
								t.Fatal(err)
							}
							name := func() string {
								return fmt.Sprint(pen) + map[bool]string{true: " weighted", false: ""}[weights != nil] +
									map[bool]string{true: " no intercept", false: ""}[noInt] + map[bool]string{true: " raw", false: ""}[raw]
							}
							if got.Status != lsq.Converged || want.Status != lsq.Converged || got.N != n || got.Solver != CD {
								t.Errorf("%s: status %v (in memory %v), N %d, solver %v", name(), got.Status, want.Status, got.N, got.Solver)
							}
							checkCD(t, fmt.Sprintf("%s, shift %g, %d partitions", name(), shift, k), x, y, parts, &s, got, want, alpha, rho)
						}
					}
				}
			}
		}
	}
}

// checkCD compares a streamed and an in-memory cd fit within cdBounds, the
// problem's moments taken from the stream's accumulator.
func checkCD(t *testing.T, name string, x *mat.Dense, y []float64, parts []stream.Chunks, s *Settings, got, want *Result, alpha, rho float64) {
	t.Helper()
	n, _ := x.Dims()
	eps := 0x1p-52
	q, err := stream.FoldQR(context.Background(), parts, &stream.Settings{NoIntercept: s.NoIntercept})
	if err != nil {
		t.Fatal(err)
	}
	m := q.Moments()
	d := len(m.XTy)
	sc := make([]float64, d)
	for j := range sc {
		sc[j] = 1
		if !s.Raw {
			sc[j] = math.Sqrt(m.Gram[j*d+j])
		}
	}
	g, c := make([]float64, d*d), make([]float64, d)
	beta, gb := make([]float64, d), make([]float64, d)
	for j := range d {
		for k := range d {
			g[j*d+k] = m.Gram[j*d+k] / (sc[j] * sc[k])
		}
		c[j] = m.XTy[j] / sc[j]
		beta[j], gb[j] = want.Coef[j]*sc[j], got.Coef[j]*sc[j]
	}
	b := cdBounds(g, c, m.YY, beta, n, 1e-14, alpha*(1-rho), got.DualityGap, want.DualityGap)
	// Converting to β with the stream's scales, which differ from the
	// in-memory ones by η relative: add η·‖β‖.
	var diff, nb, xs float64
	for j := range d {
		diff += (gb[j] - beta[j]) * (gb[j] - beta[j])
		nb += beta[j] * beta[j]
		if m.Intercept {
			xs += (m.Mean[j] / sc[j]) * (m.Mean[j] / sc[j])
		}
	}
	eta := float64(n+2) * eps
	coefTol := b.coef + eta*math.Sqrt(nb)
	if math.Sqrt(diff) > coefTol {
		t.Errorf("%s: ‖Δβ‖ = %.3g > %.3g (stream %v, memory %v)", name, math.Sqrt(diff), coefTol, got.Coef, want.Coef)
	}
	// b = ȳ − Σ x̄_j w_j: |Δb| ≤ |Δȳ| + ‖x̄/s‖·‖Δβ‖ + η·Σ|x̄_j w_j|.
	var xw float64
	if m.Intercept {
		for j := range d {
			xw += math.Abs(m.Mean[j] * want.Coef[j])
		}
	}
	bTol := 4*eps*math.Abs(m.YMean) + math.Sqrt(xs)*coefTol + eta*xw
	if e := math.Abs(got.Intercept - want.Intercept); e > bTol {
		t.Errorf("%s: intercept %v vs %v: %.3g > %.3g", name, got.Intercept, want.Intercept, e, bTol)
	}
	if e := math.Abs(got.Objective - want.Objective); e > b.obj {
		t.Errorf("%s: objective %v vs %v: %.3g > %.3g", name, got.Objective, want.Objective, e, b.obj)
	}
	// MSE = Σv r² = 2 × the data term: its gradient 2(Gβ − c) and
	// curvature 2λ_max ≤ 2 tr G move it by at most 2‖Gβ − c‖·Δ + tr G·Δ²
	// for ‖Δβ‖ ≤ Δ; the quadratic form rounds by 16ε(ycc + 2Σ|β c| +
	// Σ|β G β|) (enet.Moments.MSE), the direct sum by nε/2, and each
	// residual y_i − b − x_iᵀw of the direct sum by (d+2)ε·(|y_i| + |b| +
	// Σ|x_ij w_j|), which moves Σv r² by at most twice that times RMSE.
	var res2, tr, qf float64
	for j := range d {
		r := -c[j]
		for k := range d {
			r += g[j*d+k] * beta[k]
			qf += math.Abs(beta[j] * g[j*d+k] * beta[k])
		}
		res2 += r * r
		tr += g[j*d+j]
		qf += 2 * math.Abs(beta[j]*c[j])
	}
	var rowScale float64
	for i := range n {
		t := math.Abs(y[i]) + math.Abs(want.Intercept)
		for j := range d {
			t += math.Abs(x.At(i, j) * want.Coef[j])
		}
		rowScale = math.Max(rowScale, t)
	}
	mseTol := 2*math.Sqrt(res2)*coefTol + tr*coefTol*coefTol + 16*eps*(m.YY+qf) + float64(n)*eps/2*want.MSE +
		2*float64(d+2)*eps*rowScale*math.Sqrt(want.MSE)
	if e := math.Abs(got.MSE - want.MSE); e > mseTol {
		t.Errorf("%s: MSE %v vs %v: %.3g > %.3g", name, got.MSE, want.MSE, e, mseTol)
	}
}

// Metamorphic: integer weights are duplicated rows. A stream whose rows
// carry weights k_i ∈ {0, 1, 2, 3} and a stream of the rows repeated k_i
// times without weights are one problem (the same Σw, means and
// covariances, to rounding), so their cd fits agree within cdBounds — for
// the lasso and the elastic net, with and without intercept.
func TestStreamCDWeightsAreDuplicates(t *testing.T) {
	const n, d = 300, 3
	x, y := problem(n, d)
	k := make([]float64, n)
	var dx []float64
	var dy []float64
	for i := range n {
		k[i] = float64(i * 7 % 4)
		for range int(k[i]) {
			dx = append(dx, x.RawRowView(i)...)
			dy = append(dy, y[i])
		}
	}
	xd := mat.NewDense(len(dy), d, dx)
	ctx := context.Background()
	for _, pen := range []penalty.Penalty{penalty.L1{Alpha: 0.05}, penalty.ElasticNet{Alpha: 0.1, L1Ratio: 0.3}} {
		alpha, rho, _ := elasticNet(pen)
		for _, noInt := range []bool{false, true} {
			s := Settings{Solver: CD, Penalty: pen, NoIntercept: noInt, GapTol: 1e-14}
			weighted, err := Stream(ctx, partitions(x, y, k, 3), &s)
			if err != nil {
				t.Fatal(err)
			}
			dup, err := Stream(ctx, partitions(xd, dy, nil, 2), &s)
			if err != nil {
				t.Fatal(err)
			}
			checkCD(t, fmt.Sprintf("%v, no intercept %t: weights against duplicates", pen, noInt), xd, dy, partitions(xd, dy, nil, 2), &s, weighted, dup, alpha, rho)
		}
	}
}

// YMeanSquare, TSS/W, is the same number from every source: in memory
// (float64, corrected two-pass) it equals the exact solver's double-double
// TSS over Σw, and streamed (cd-stream, the moments' YY) the in-memory
// one — weighted and not, with and without intercept, on data shifted by
// 1e6 (where one-pass sums would lose 12 digits). The tolerance is
// 2(n+2)ε relative: γ_n for each float64 pass of n terms (Higham, Accuracy
// and Stability, §3.1), against sums correct to about ε.
func TestYMeanSquare(t *testing.T) {
	const n, d = 600, 4
	x0, y0 := problem(n, d)
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.25 + float64(i%5)/2
	}
	tol := 2 * float64(n+2) * 0x1p-52
	ctx := context.Background()
	for _, shift := range []float64{0, 1e6} {
		x, y := mat.DenseCopyOf(x0), append([]float64(nil), y0...)
		for i := range y {
			y[i] += shift
		}
		for _, weights := range [][]float64{nil, w} {
			for _, noInt := range []bool{false, true} {
				name := fmt.Sprintf("shift %g, weighted %v, no intercept %v", shift, weights != nil, noInt)
				ols, err := Matrix(ctx, x, y, &Settings{Weights: weights, NoIntercept: noInt})
				if err != nil {
					t.Fatal(err)
				}
				want := ols.Exact.TSS / ols.Exact.SumWeights
				if got := ols.YMeanSquare; !(math.Abs(got-want) <= tol*want) {
					t.Errorf("%s: in memory %.17g, exact TSS/W %.17g", name, got, want)
				}
				s := Settings{Solver: CD, Penalty: penalty.L1{Alpha: 0.05}, NoIntercept: noInt}
				streamed, err := Stream(ctx, partitions(x, y, weights, 3), &s)
				if err != nil {
					t.Fatal(err)
				}
				if got := streamed.YMeanSquare; !(math.Abs(got-want) <= tol*want) {
					t.Errorf("%s: streamed %.17g, exact TSS/W %.17g", name, got, want)
				}
			}
		}
	}
}
