package net

import (
	"context"
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/penalty"
)

// RefitHead returns a copy of nn whose output layer is refitted exactly: with
// every hidden layer frozen, the network is linear in the output layer's
// weights and bias, so the best head is the weighted least-squares (α = 0)
// or ridge fit of the scaled targets on the last hidden layer's outputs,
//
//	min over W, b of (1/2W) Σᵢ wᵢ ‖W hᵢ + b − ỹᵢ‖² + α/2 ‖W‖²,
//
// the network's own objective restricted to the head (the bias is not
// penalised). It is solved by pivoted QR (fit.Matrix, on the unstandardised
// features, so that α applies to W as the network's L2 penalty does). x, y
// and w are rows on the original scale, as for Train. A network without
// hidden layers is a linear model, and its refit is the least-squares fit.
func RefitHead(nn *Net, x, y *mat.Dense, w []float64, alpha float64) (*Net, error) {
	if alpha < 0 {
		return nil, errors.New("net: RefitHead needs α ≥ 0")
	}
	n, d := x.Dims()
	ny, k := y.Dims()
	if d != nn.Inputs || k != nn.Outputs || ny != n {
		return nil, fmt.Errorf("net: RefitHead on %d×%d inputs and %d×%d targets; the network is %s", n, d, ny, k, nn.Arch)
	}
	ds := nn.dataset(x, y, w)
	m := newModel(nn.Arch)
	ls := m.ls
	head := ls[len(ls)-1]
	h := mat.NewDense(n, head.in, nil)
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		m.gatherRange(ds, lo, hi)
		m.wk.forward(nn.Theta, hi-lo)
		copy(h.RawMatrix().Data[lo*head.in:hi*head.in], m.wk.a[len(ls)-1][:(hi-lo)*head.in])
	}
	out := *nn
	out.Theta = append([]float64(nil), nn.Theta...)
	s := &fit.Settings{Weights: w, Raw: true}
	if alpha > 0 {
		s.Penalty = penalty.L2{Alpha: alpha}
	}
	yk := make([]float64, n)
	for j := range k {
		for i := range yk {
			yk[i] = ds.y[i*k+j]
		}
		r, err := fit.Matrix(context.Background(), h, yk, s)
		if err != nil {
			return nil, fmt.Errorf("net: refitting the head: %w", err)
		}
		copy(out.Theta[head.w+j*head.in:head.w+(j+1)*head.in], r.Coef)
		out.Theta[head.b+j] = r.Intercept
	}
	return &out, nil
}
