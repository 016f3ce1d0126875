package cli

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/pflag"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/nls"
	"github.com/lsqgo/lsq/stats"
	"github.com/lsqgo/lsq/stream"
)

// intervalFlags are predict's options for intervals on the predictions.
type intervalFlags struct {
	Interval    string
	Level       float64
	PredWeights string
	kind        stats.IntervalKind
}

func (f *intervalFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Interval, "interval", "none", "none, confidence (on the mean response) or prediction (on a new observation): writes fit,lwr,upr as R's predict.lm")
	fs.Float64Var(&f.Level, "level", 0.95, "confidence level of --interval")
	fs.StringVar(&f.PredWeights, "pred-weights", "", "--interval prediction: column of the new rows' weights (variance σ̂²/w, as R's predict.lm)")
}

func (f *intervalFlags) check(changed func(string) bool) error {
	switch strings.ToLower(f.Interval) {
	case "none", "":
		f.kind = 0
		for _, flag := range []string{"level", "pred-weights"} {
			if changed(flag) {
				return usagef("--%s applies to intervals: add --interval confidence or prediction", flag)
			}
		}
		return nil
	case "confidence":
		f.kind = stats.Confidence
		if f.PredWeights != "" {
			return usagef("--pred-weights weights new observations: it applies to --interval prediction (a confidence interval is on the mean, which has no observation weight)")
		}
	case "prediction":
		f.kind = stats.Prediction
	default:
		return usagef("--interval %q: want none, confidence or prediction", f.Interval)
	}
	if !(f.Level > 0 && f.Level < 1) {
		return usagef("--level %v must be in (0, 1), e.g. 0.95", f.Level)
	}
	return nil
}

// linearInference is what intervals on the predictions of an exact,
// unpenalised linear fit need; nil for any other fit (an iterative one's
// coefficients are not the exact solution the covariance belongs to).
func linearInference(res *fit.Result, s *fit.Settings) *modelio.Inference {
	if !res.Solver.Exact() || s.Penalty != nil || res.Exact == nil {
		return nil
	}
	p, err := stats.NewPredictive(res.Exact)
	if err != nil || math.IsInf(p.Sigma, 0) {
		return nil
	}
	inf := &modelio.Inference{Unscaled: symRows(p.Unscaled), Sigma: p.Sigma, DF: p.DF, Weighted: s.Weights != nil}
	for _, r := range inf.Unscaled {
		if !lsq.Finite(r) { // columns of extreme scale: no intervals rather than no model
			return nil
		}
	}
	for _, j := range res.Exact.Aliased {
		inf.Aliased = append(inf.Aliased, res.Features[j])
	}
	return inf
}

// streamInference is the same for a streamed exact fit; nil for ridge.
func streamInference(res *stream.Result, weighted bool) *modelio.Inference {
	if res.Unscaled == nil || res.DF < 1 || !(res.ResidualSD >= 0) || math.IsInf(res.ResidualSD, 0) {
		return nil
	}
	inf := &modelio.Inference{Unscaled: symRows(res.Unscaled), Sigma: res.ResidualSD, DF: int(res.DF), Weighted: weighted}
	for _, r := range inf.Unscaled {
		if !lsq.Finite(r) {
			return nil
		}
	}
	return inf
}

// curveModelInference is the same for a nonlinear fit: (JᵀWJ)⁻¹ = Cov/σ̂²; nil
// when some parameter has no standard error (undetermined, or held at a
// bound).
func curveModelInference(res *nls.Result, weighted bool) *modelio.Inference {
	if res.Cov == nil || res.DF < 1 || !(res.ResidualSD > 0) || math.IsInf(res.ResidualSD, 0) {
		return nil
	}
	q := res.Cov.SymmetricDim()
	u := mat.NewSymDense(q, nil)
	s2 := res.ResidualSD * res.ResidualSD
	for i := range q {
		for j := i; j < q; j++ {
			v := res.Cov.At(i, j) / s2
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil
			}
			u.SetSym(i, j, v)
		}
	}
	return &modelio.Inference{Unscaled: symRows(u), Sigma: res.ResidualSD, DF: res.DF, Weighted: weighted}
}

func symRows(s *mat.SymDense) [][]float64 {
	q := s.SymmetricDim()
	rows := make([][]float64, q)
	for i := range rows {
		rows[i] = make([]float64, q)
		for j := range rows[i] {
			rows[i][j] = s.At(i, j)
		}
	}
	return rows
}

// intervals returns the lower and upper ends of the intervals on the
// predictions p.cols[0]: the gradient of each prediction in the estimates is
// (1, x) for a linear model, ∂f/∂θ for a curve (the delta method).
func intervals(p *prediction, f *intervalFlags, stdio IO) (lwr, upr []float64, err error) {
	m := p.model
	inf := m.Inference
	if inf == nil {
		return nil, nil, fmt.Errorf("%s has no covariance for intervals: it was written by an older lsq, or by an iterative or penalised fit, or a curve fit with a parameter at a bound; refit it with an exact solver (lsq fit ... -o, or lsq curve ... -o)", p.modelPath)
	}
	q := len(inf.Unscaled)
	u := mat.NewSymDense(q, nil)
	for i, r := range inf.Unscaled {
		for j := i; j < q; j++ {
			u.SetSym(i, j, r[j])
		}
	}
	pr := &stats.Predictive{Unscaled: u, Sigma: inf.Sigma, DF: inf.DF}
	grad, w, err := gradients(p, f.PredWeights)
	if err != nil {
		return nil, nil, err
	}
	if len(inf.Aliased) > 0 {
		fmt.Fprintf(stdio.Err, "note: %s is rank-deficient (aliased: %s); as R warns, its predictions and intervals are identified only at rows whose features satisfy the same linear dependence as the training data's\n", p.modelPath, strings.Join(inf.Aliased, ", "))
	}
	if f.kind == stats.Prediction && w == nil && inf.Weighted {
		fmt.Fprintf(stdio.Err, "note: %s was fitted with weights; the prediction intervals assume weight 1 for the new rows (as R's predict.lm); give their weights with --pred-weights COL\n", p.modelPath)
	}
	md, pred := p.design, p.cols[0]
	lo, hi := make([]float64, len(md.rows)), make([]float64, len(md.rows))
	for i, r := range md.rows {
		wi := 1.0
		if w != nil {
			wi = w[i]
			if !(wi > 0) {
				return nil, nil, fmt.Errorf("%s: data row %d: prediction weight %v; a new observation's weight must be positive (its variance is σ̂²/w)", p.in.name, r+1, wi)
			}
		}
		lo[i], hi[i] = pr.Interval(f.kind, pred[r], grad.RawRowView(i), f.Level, wi)
	}
	return md.spread(lo), md.spread(hi), nil
}

// gradients are the gradient of every kept row's prediction in the
// model's estimates, from the design the predictions were made on, and,
// when named, the kept rows' weights (read with the design).
func gradients(p *prediction, weightCol string) (*mat.Dense, []float64, error) {
	m, md := p.model, p.design
	var w []float64
	if weightCol != "" {
		w = md.y[0]
	}
	n, d := md.x.Dims()
	switch m.Kind {
	case modelio.KindLinear:
		off := 0
		if m.FitIntercept {
			off = 1
		}
		g := mat.NewDense(n, d+off, nil)
		for i := range n {
			row := g.RawRowView(i)
			if off == 1 {
				row[0] = 1
			}
			copy(row[off:], md.x.RawRowView(i))
		}
		return g, w, nil
	case modelio.KindCurve:
		prog, theta, colv, err := curveInputs(m, md)
		if err != nil {
			return nil, nil, err
		}
		jac := make([]float64, n*len(theta))
		prog.Jacobian(jac, theta, colv)
		return mat.NewDense(n, len(theta), jac), w, nil
	}
	return nil, nil, fmt.Errorf("cannot compute intervals for a %q model", m.Kind)
}

// writeIntervals writes fit,lwr,upr (after the input's columns with --keep).
func writeIntervals(w io.Writer, p *prediction, lwr, upr []float64, keep bool) error {
	return writeColumns(w, []string{"fit", "lwr", "upr"}, [][]float64{p.cols[0], lwr, upr}, len(lwr), keep, p.in, p.opts)
}
