package net

import (
	"fmt"
)

// Arch is the shape of a network: input and output widths, hidden widths,
// one activation per hidden layer (a single entry applies to all), and the
// options. The output layer is linear.
type Arch struct {
	Inputs, Outputs int
	Hidden          []int
	Activations     []Activation
	// Residual adds a hidden layer's input to its output when the widths
	// match (aˡ = σ(uˡ) + aˡ⁻¹; He et al. 2016).
	Residual bool
	// LayerNorm normalises each hidden layer's pre-activation over its units
	// (Ba, Kiros & Hinton 2016), with a gain and a shift per unit.
	LayerNorm bool
}

// layer is one affine map and what follows it, with its offsets in θ.
type layer struct {
	in, out     int
	act         Activation
	w, b        int  // offsets of Wˡ (out×in, row-major) and bˡ
	gamma, beta int  // layer norm gain and shift offsets, −1 without
	res         bool // residual connection
	hidden      bool
}

// Check reports an architecture that cannot be built.
func (a *Arch) Check() error {
	if a.Inputs < 1 || a.Outputs < 1 {
		return fmt.Errorf("net: need at least one input and one output, got %d and %d", a.Inputs, a.Outputs)
	}
	for i, h := range a.Hidden {
		if h < 1 {
			return fmt.Errorf("net: hidden layer %d has width %d; want at least 1", i+1, h)
		}
	}
	if n := len(a.Activations); n > 1 && n != len(a.Hidden) {
		return fmt.Errorf("net: %d activations for %d hidden layers; give one, or one per layer", n, len(a.Hidden))
	}
	for _, act := range a.Activations {
		if act < 0 || act >= numActivations {
			return fmt.Errorf("net: invalid activation %d", int(act))
		}
	}
	return nil
}

// activation returns the activation of hidden layer i.
func (a *Arch) activation(i int) Activation {
	switch len(a.Activations) {
	case 0:
		return ReLU
	case 1:
		return a.Activations[0]
	}
	return a.Activations[i]
}

// layers lays the parameters out: all weight matrices first (the penalised
// coordinates, Weights of them), then per layer its bias and layer-norm
// gain and shift.
func (a *Arch) layers() []layer {
	ls := make([]layer, len(a.Hidden)+1)
	in, off := a.Inputs, 0
	for i := range ls {
		out := a.Outputs
		l := layer{in: in, out: out, act: Identity, gamma: -1, beta: -1}
		if i < len(a.Hidden) {
			out = a.Hidden[i]
			l = layer{in: in, out: out, act: a.activation(i), gamma: -1, beta: -1, res: a.Residual && in == out, hidden: true}
		}
		l.w = off
		off += in * out
		ls[i] = l
		in = out
	}
	for i := range ls {
		ls[i].b = off
		off += ls[i].out
		if a.LayerNorm && ls[i].hidden {
			ls[i].gamma, ls[i].beta = off, off+ls[i].out
			off += 2 * ls[i].out
		}
	}
	return ls
}

// Dim is the number of parameters.
func (a *Arch) Dim() int {
	ls := a.layers()
	l := ls[len(ls)-1]
	if l.gamma >= 0 {
		return l.beta + l.out
	}
	return l.b + l.out
}

// Weights is the number of weight-matrix entries: the leading coordinates of
// θ, the ones a penalty applies to.
func (a *Arch) Weights() int { return a.layers()[0].b }

// String describes the shape: "3→64(relu)→64(relu)→1".
func (a Arch) String() string {
	s := fmt.Sprint(a.Inputs)
	for i, h := range a.Hidden {
		s += fmt.Sprintf("→%d(%s)", h, a.activation(i))
	}
	s += fmt.Sprintf("→%d", a.Outputs)
	if a.Residual {
		s += " residual"
	}
	if a.LayerNorm {
		s += " layer-norm"
	}
	return s
}

func sameArch(a, b Arch) bool {
	if a.Inputs != b.Inputs || a.Outputs != b.Outputs || len(a.Hidden) != len(b.Hidden) || a.Residual != b.Residual || a.LayerNorm != b.LayerNorm {
		return false
	}
	for i := range a.Hidden {
		if a.Hidden[i] != b.Hidden[i] || a.activation(i) != b.activation(i) {
			return false
		}
	}
	return true
}

// Activation returns the activation of hidden layer i.
func (a *Arch) Activation(i int) Activation { return a.activation(i) }
