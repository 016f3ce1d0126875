package net

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Predict returns the network's outputs for the rows of x, one column per
// target, on the targets' original scale.
func (nn *Net) Predict(x *mat.Dense) (*mat.Dense, error) {
	n, d := x.Dims()
	if d != nn.Inputs {
		return nil, fmt.Errorf("net: %d input columns; the network takes %d", d, nn.Inputs)
	}
	if err := nn.Check(); err != nil {
		return nil, err
	}
	k := nn.Outputs
	out := mat.NewDense(n, k, nil)
	wk := newWork(&nn.Arch)
	last := len(wk.ls)
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		for i := lo; i < hi; i++ {
			nn.inputRow(wk.a[0][(i-lo)*d:(i-lo+1)*d], x.RawRowView(i))
		}
		wk.forward(nn.Theta, hi-lo)
		for i := lo; i < hi; i++ {
			row := out.RawRowView(i)
			for j := range k {
				row[j] = nn.OutCenter[j] + nn.OutScale[j]*wk.a[last][(i-lo)*k+j]
			}
		}
	}
	return out, nil
}

// MSE returns, per target, the weighted mean squared error (1/W)Σwᵢrᵢₖ² of
// the network's predictions for the rows of x against y, on the original
// scale. w nil means all 1.
func (nn *Net) MSE(x, y *mat.Dense, w []float64) ([]float64, error) {
	p, err := nn.Predict(x)
	if err != nil {
		return nil, err
	}
	n, k := y.Dims()
	if pn, _ := p.Dims(); pn != n {
		return nil, fmt.Errorf("net: %d rows of inputs, %d of targets", pn, n)
	}
	out := make([]float64, k)
	sw := 0.0
	for i := range n {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		sw += wi
		for j := range k {
			e := p.At(i, j) - y.At(i, j)
			out[j] += wi * e * e
		}
	}
	for j := range out {
		out[j] /= sw
	}
	return out, nil
}

// Check reports a network whose parameters or standardisation do not fit
// its shape (Arch.Check, θ of Arch.Dim values, one centre and scale per
// output, and per input when the inputs are standardised), or returns nil.
func (nn *Net) Check() error {
	if err := nn.Arch.Check(); err != nil {
		return err
	}
	if len(nn.Theta) != nn.Arch.Dim() || len(nn.OutCenter) != nn.Outputs || len(nn.OutScale) != nn.Outputs {
		return fmt.Errorf("net: %d parameters and %d target scales for a network of %d parameters and %d outputs",
			len(nn.Theta), len(nn.OutScale), nn.Arch.Dim(), nn.Outputs)
	}
	if nn.InScale != nil && (len(nn.InScale) != nn.Inputs || len(nn.InCenter) != nn.Inputs) {
		return fmt.Errorf("net: input standardisation of %d columns for %d inputs", len(nn.InScale), nn.Inputs)
	}
	return nil
}
