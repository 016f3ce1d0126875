package nls

import (
	"context"
	"fmt"
	"math"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/optim"
)

// descend minimises ½‖r(x)‖² with a first-order optimiser from package optim
// (see Settings.Optimizer), in relative coordinates u_j = x_j/s_j with
// s_j = |x0_j| (1 where x0_j = 0), so that every coordinate starts at ±1
// (or 0) and a single learning rate suits parameters of very different
// sizes: ∂/∂u_j = s_j·(Jᵀr)_j. With opt, the Levenberg–Marquardt optimum
// from the same start (reference), success is the gap to it, as for a
// linear fit's exact optimum (optim.Settings.Optimum); without, the
// optimiser's own stopping rules decide.
func (st *state) descend(ctx context.Context, opt *optim.Optimum) (lsq.Status, string, error) {
	n := st.n
	sc := make([]float64, n)
	u0 := make([]float64, n)
	for j, v := range st.x {
		sc[j] = math.Abs(v)
		if sc[j] == 0 {
			sc[j] = 1
		}
		u0[j] = v / sc[j]
	}
	x := make([]float64, n)
	r := make([]float64, st.m)
	toX := func(u []float64) {
		for j := range u {
			x[j] = u[j] * sc[j]
		}
		st.project(x)
	}
	f := func(u []float64) float64 {
		toX(u)
		st.ev.residuals(r, x)
		return 0.5 * dot(r, r)
	}
	grad := func(g, u []float64) {
		toX(u)
		st.ev.residuals(r, x)
		jac := st.ev.jacobian(x)
		raw := jac.RawMatrix()
		for j := range g {
			s := 0.0
			for i, ri := range r {
				s += raw.Data[i*raw.Stride+j] * ri
			}
			g[j] = s * sc[j]
		}
	}
	// The optimiser would stop at once on a non-finite gradient, calling
	// the objective infinite; say what is not finite, and where.
	if !st.factor() {
		return lsq.Failure, st.jacFailure(true), nil
	}
	os := st.s.descent
	os.Optimum = opt
	if os.Recorder == nil {
		os.Recorder = st.s.rec
	}
	res, err := optim.Minimize(ctx, optim.FuncGrad(n, f, grad), u0, &os, st.s.optimizer)
	if res == nil {
		if err == nil {
			err = fmt.Errorf("nls: optimiser returned no result")
		}
		return lsq.Failure, err.Error(), err
	}
	toX(res.X)
	copy(st.xt, x)
	fnorm := st.evalTrial()
	if math.IsInf(fnorm, 1) {
		return lsq.Failure, "the residuals are not finite at the optimiser's final point", err
	}
	st.accept(fnorm)
	st.first = res.First // a final point to judge: solveCore measures its gap
	st.iter = res.Epochs
	msg := fmt.Sprintf("%s stopped after %s: %v", optimizerName(st.s.optimizer), english.Count(res.Epochs, "epoch"), res.Status)
	if err != nil && res.Status != lsq.Canceled {
		return lsq.Failure, err.Error(), err
	}
	return res.Status, msg, err
}

// optimizerName is the name of a first-order method as package fit and the
// command line spell it (gd, adam, ...), for messages: never a Go type name.
func optimizerName(o optim.Optimizer) string {
	switch o.(type) {
	case *optim.GD:
		return "gd"
	case *optim.SGD:
		return "sgd"
	case *optim.Momentum:
		return "momentum"
	case *optim.Nesterov:
		return "nesterov"
	case *optim.AdaGrad:
		return "adagrad"
	case *optim.RMSProp:
		return "rmsprop"
	case *optim.Adam:
		return "adam"
	case *optim.AdamW:
		return "adamw"
	case *optim.LBFGS:
		return "lbfgs"
	}
	return "the optimiser"
}
