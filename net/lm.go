package net

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/nls"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// lmProblem is the network's training objective as a nonlinear
// least-squares problem for package nls: residuals √(wᵢ/W)·rᵢₖ, so that
// ½‖r‖² is the data loss, followed, with a penalty α/2‖w − w₀‖², by the
// residuals √α·(wⱼ − w₀ⱼ) of the weights.
func (t *trainer) lmProblem() (nls.Problem, error) {
	ds, m := t.ds, t.m
	alpha, ref := 0.0, []float64(nil)
	switch p := t.penalty.(type) {
	case penalty.L2:
		alpha = p.Alpha
	case penalty.L2SP:
		alpha, ref = p.Alpha, p.Ref
	}
	nw := 0
	if alpha > 0 {
		nw = t.arch.Weights()
	}
	rows := ds.n * ds.k
	if rows+nw < m.dim {
		have := english.Count(ds.n, "row") + " × " + english.Count(ds.k, "target")
		if nw > 0 {
			have += fmt.Sprintf(" + %d of the penalty", nw)
		}
		return nls.Problem{}, fmt.Errorf("net: Levenberg–Marquardt needs at least as many residuals as parameters: %s < %s; use a smaller network or another solver (lbfgs, adam)",
			have, english.Count(m.dim, "parameter"))
	}
	sa := math.Sqrt(alpha)
	penRes := func(r, x []float64) {
		for j := range nw {
			v := x[j]
			if ref != nil {
				v -= ref[j]
			}
			r[rows+j] = sa * v
		}
	}
	residuals := func(r, x []float64) {
		wk := m.wk
		for lo := 0; lo < ds.n; lo += block {
			hi := min(lo+block, ds.n)
			m.gatherRange(ds, lo, hi)
			wk.forward(x, hi-lo)
			pred := wk.a[len(m.ls)]
			for i := range hi - lo {
				s := math.Sqrt(wk.w[i] / ds.sumW)
				for j := range ds.k {
					r[(lo+i)*ds.k+j] = s * (pred[i*ds.k+j] - wk.y[i*ds.k+j])
				}
			}
		}
		penRes(r, x)
	}
	grad := make([]float64, m.dim)
	jacobian := func(jac *mat.Dense, x []float64) {
		raw := jac.RawMatrix()
		if raw.Stride != m.dim {
			panic("net: Jacobian with a stride")
		}
		wk := m.wk
		last := len(m.ls) - 1
		for lo := 0; lo < ds.n; lo += block {
			hi := min(lo+block, ds.n)
			m.gatherRange(ds, lo, hi)
			wk.forward(x, hi-lo)
			for j := range ds.k {
				dz := wk.dz[last]
				for i := range hi - lo {
					for c := range ds.k {
						dz[i*ds.k+c] = 0
					}
					dz[i*ds.k+j] = math.Sqrt(wk.w[i] / ds.sumW)
				}
				wk.backward(x, hi-lo)
				wk.jacobianRows(raw.Data, m.dim, lo*ds.k+j, ds.k, hi-lo)
			}
		}
		clear(raw.Data[rows*m.dim:])
		for j := range nw {
			raw.Data[(rows+j)*m.dim+j] = sa
		}
		if t.recorder != nil {
			m.loss(grad, x, ds) // the layer statistics at the accepted point
		}
	}
	return nls.Problem{M: rows + nw, Residuals: residuals, Jacobian: jacobian}, nil
}

func (t *trainer) trainLM(ctx context.Context) (*Result, error) {
	o := t.s.Optim
	if name := lmUnused(&o); name != "" {
		return nil, fmt.Errorf("net: Optim.%s does not apply with LM: only Optim.Epochs does (no learning rate, schedule, batches, clipping, early stopping, stopping tests, resume or optim Recorder)", name)
	}
	p, err := t.lmProblem()
	if err != nil {
		return nil, err
	}
	set := &nls.Settings{NoRefine: true, MaxEvaluations: o.Epochs}
	if set.MaxEvaluations == 0 {
		set.MaxEvaluations = 1000
	}
	if t.recorder != nil {
		set.Recorder = lsq.RecorderFunc(t.record)
	}
	if t.linear != nil {
		t.first = t.objective(t.nn.Theta)
	}
	nr, err := nls.Solve(ctx, p, t.nn.Theta, set)
	if nr == nil {
		return nil, err
	}
	copy(t.nn.Theta, nr.X)
	res := t.finish(nr.X)
	res.Status, res.Message, res.Epochs, res.Steps = nr.Status, nr.Message, nr.Iterations, nr.Evaluations
	if nr.Status == lsq.Failure && nr.Stopped != lsq.Failure && nr.Rank < len(nr.X) {
		// A network's parameters are not identified (units can be
		// permuted, saturated or dead), so its Jacobian is often singular
		// at a good fit: report the test that stopped the iteration.
		res.Status = nr.Stopped
		res.Message = fmt.Sprintf("the Jacobian has rank %d of %d parameters (not every weight is determined by the data, as usual for networks)", nr.Rank, len(nr.X))
	}
	res.Objective = nr.RSS / 2
	return res, err
}

// lmUnused names the first field of o, other than Epochs, that is set:
// Levenberg–Marquardt reads none of them.
func lmUnused(o *optim.Settings) string {
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"LearningRate", o.LearningRate != 0}, {"Schedule", o.Schedule != nil}, {"StepSchedule", o.StepSchedule},
		{"BatchSize", o.BatchSize != 0}, {"Seed", o.Seed != 0}, {"ShuffleBlock", o.ShuffleBlock != 0}, {"Average", o.Average},
		{"ClipNorm", o.ClipNorm != 0}, {"ClipValue", o.ClipValue != 0}, {"Patience", o.Patience != 0}, {"MinDelta", o.MinDelta != 0},
		{"ObjectiveTol", o.ObjectiveTol != 0}, {"GradTol", o.GradTol != 0}, {"DivergeFactor", o.DivergeFactor != 0},
		{"Resume", o.Resume != nil}, {"Optimum", o.Optimum != nil}, {"Recorder", o.Recorder != nil}, {"Proximal", o.Proximal},
	} {
		if f.set {
			return f.name
		}
	}
	return ""
}
