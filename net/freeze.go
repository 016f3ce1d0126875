package net

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
)

// frozen is the map between θ and the free parameters when layers are
// frozen: the optimiser sees only the free coordinates, in θ's order, so
// that the free weights still come first (the penalised ones) and a
// frozen weight is neither updated nor penalised.
type frozen struct {
	free []int     // indices into θ of the free parameters, increasing
	nw   int       // how many of them are weights
	full []float64 // θ with the frozen values, the work vector
	gful []float64
}

// FreezesOutput reports whether Freeze lists the output layer, layer
// len(Hidden)+1.
func (s *Settings) FreezesOutput() bool {
	return slices.Contains(s.Freeze, len(s.Hidden)+1)
}

// newFrozen returns the map for freezing the given layers (1-based, the
// output layer being len(Hidden)+1), or an error naming a layer that does
// not exist.
func newFrozen(a *Arch, theta []float64, layers []int) (*frozen, error) {
	ls := a.layers()
	fixed := make([]bool, a.Dim())
	for _, k := range layers {
		if k < 1 || k > len(ls) {
			return nil, fmt.Errorf("net: cannot freeze layer %d; the network has layers 1 to %d", k, len(ls))
		}
		l := ls[k-1]
		for j := l.w; j < l.w+l.in*l.out; j++ {
			fixed[j] = true
		}
		for j := l.b; j < l.b+l.out; j++ {
			fixed[j] = true
		}
		if l.gamma >= 0 {
			for j := l.gamma; j < l.beta+l.out; j++ {
				fixed[j] = true
			}
		}
	}
	f := &frozen{full: slices.Clone(theta), gful: make([]float64, len(theta))}
	for j, x := range fixed {
		if !x {
			f.free = append(f.free, j)
			if j < a.Weights() {
				f.nw++
			}
		}
	}
	if len(f.free) == 0 {
		return nil, fmt.Errorf("net: every layer is frozen; nothing to train")
	}
	return f, nil
}

func (f *frozen) scatter(x []float64) {
	for i, j := range f.free {
		f.full[j] = x[i]
	}
}

func (f *frozen) gather(dst, src []float64) {
	for i, j := range f.free {
		dst[i] = src[j]
	}
}

// problem restricts p to the free parameters.
func (f *frozen) problem(p optim.Problem) optim.Problem {
	q := p
	q.Dim, q.Penalized = len(f.free), f.nw
	q.LossGrad = func(g, x []float64) float64 {
		f.scatter(x)
		var gf []float64
		if g != nil {
			gf = f.gful
		}
		l := p.LossGrad(gf, f.full)
		if g != nil {
			f.gather(g, gf)
		}
		return l
	}
	q.BatchLossGrad = func(g, x []float64, rows []int) float64 {
		f.scatter(x)
		l := p.BatchLossGrad(f.gful, f.full, rows)
		f.gather(g, f.gful)
		return l
	}
	if p.Validation != nil {
		q.Validation = func(x []float64) float64 {
			f.scatter(x)
			return p.Validation(f.full)
		}
	}
	return q
}

// restrictPenalty restricts an L2SP reference to the free weights.
func (f *frozen) restrictPenalty(p penalty.Penalty) penalty.Penalty {
	sp, ok := p.(penalty.L2SP)
	if !ok || sp.Ref == nil {
		return p
	}
	ref := make([]float64, f.nw)
	f.gather(ref, sp.Ref)
	return penalty.L2SP{Alpha: sp.Alpha, Ref: ref}
}

// headOptimum is, when only the output layer is free and the penalty is
// none or L2, the objective of the exact head (RefitHead), on the
// training scale: the fine-tune's known optimum.
func (t *trainer) headOptimum(x, y *mat.Dense) (*LinearOptimum, error) {
	ls := t.m.ls
	head := ls[len(ls)-1]
	if t.frozen == nil || len(t.frozen.free) != head.out*(head.in+1) {
		return nil, nil
	}
	switch t.penalty.(type) {
	case nil, penalty.L2:
	default:
		return nil, nil
	}
	nn, err := RefitHead(t.nn, x, y, t.s.Weights, t.headAlpha())
	if err != nil {
		return nil, err
	}
	f := t.objective(nn.Theta)
	return &LinearOptimum{Objective: f, TrainLoss: t.unscaled(t.m, t.ds), Gap: math.NaN(), Scale: math.NaN()}, nil
}
