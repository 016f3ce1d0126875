package net

import (
	"math"
)

// block is the number of rows a forward and backward pass handles at once:
// enough to amortise the per-block work, few enough that the work space
// stays in cache whatever the number of rows.
const block = 256

// lnEps is the ε of layer normalisation (PyTorch's default).
const lnEps = 1e-5

// work is the work space of the forward and backward passes over a block of
// rows, allocated once.
type work struct {
	ls   []layer
	d, k int
	a    [][]float64 // a[0] the inputs, a[l+1] the output of layer l (block × width)
	u    [][]float64 // layer l's pre-activation after layer norm
	h    [][]float64 // σ(u) of layer l (a[l+1] itself without a residual connection)
	nrm  [][]float64 // layer l's normalised values (layer norm only)
	inv  [][]float64 // layer l's 1/√(var + ε) per row (layer norm only)
	da   [][]float64 // ∂/∂a[l]
	dz   [][]float64 // ∂/∂(Wˡa + bˡ)
	du   [][]float64 // ∂/∂uˡ (layer norm only)
	y, w []float64   // the block's targets and weights
}

func newWork(a *Arch) *work {
	ls := a.layers()
	wk := &work{ls: ls, d: a.Inputs, k: a.Outputs}
	n := len(ls)
	wk.a = make([][]float64, n+1)
	wk.da = make([][]float64, n+1)
	wk.u = make([][]float64, n)
	wk.h = make([][]float64, n)
	wk.nrm = make([][]float64, n)
	wk.inv = make([][]float64, n)
	wk.dz = make([][]float64, n)
	wk.du = make([][]float64, n)
	wk.a[0] = make([]float64, block*a.Inputs)
	wk.da[0] = make([]float64, block*a.Inputs)
	for i, l := range ls {
		wk.u[i] = make([]float64, block*l.out)
		wk.dz[i] = make([]float64, block*l.out)
		wk.da[i+1] = make([]float64, block*l.out)
		if l.hidden {
			wk.a[i+1] = make([]float64, block*l.out)
			wk.h[i] = wk.a[i+1]
			if l.res {
				wk.h[i] = make([]float64, block*l.out)
			}
		} else {
			wk.a[i+1] = wk.u[i] // the output layer is linear
		}
		if l.gamma >= 0 {
			wk.nrm[i] = make([]float64, block*l.out)
			wk.inv[i] = make([]float64, block)
			wk.du[i] = make([]float64, block*l.out)
		}
	}
	wk.y = make([]float64, block*a.Outputs)
	wk.w = make([]float64, block)
	return wk
}

// forward runs the network on the first m rows of a[0]; the predictions are
// then in a[len(ls)].
func (wk *work) forward(theta []float64, m int) {
	for i, l := range wk.ls {
		z := wk.u[i][:m*l.out]
		affine(z, wk.a[i], theta[l.w:l.w+l.out*l.in], m, l.in, l.out)
		bias := theta[l.b : l.b+l.out]
		for r := range m {
			row := z[r*l.out : (r+1)*l.out]
			for j, b := range bias {
				row[j] += b
			}
		}
		if !l.hidden {
			continue
		}
		if l.gamma >= 0 {
			wk.layerNorm(theta, i, m)
		}
		h := wk.h[i][:m*l.out]
		l.act.apply(h, z)
		if l.res {
			a := wk.a[i+1][:m*l.out]
			for j, v := range wk.a[i][:m*l.in] {
				a[j] = h[j] + v
			}
		}
	}
}

// layerNorm replaces layer i's affine output in u by γ⊙(v − mean)/√(var + ε) + β
// row by row, keeping the normalised values and 1/√(var + ε).
func (wk *work) layerNorm(theta []float64, i, m int) {
	l := wk.ls[i]
	gamma, beta := theta[l.gamma:l.gamma+l.out], theta[l.beta:l.beta+l.out]
	nf := float64(l.out)
	for r := range m {
		row := wk.u[i][r*l.out : (r+1)*l.out]
		nrm := wk.nrm[i][r*l.out : (r+1)*l.out]
		mean := 0.0
		for _, v := range row {
			mean += v
		}
		mean /= nf
		vr := 0.0
		for _, v := range row {
			vr += (v - mean) * (v - mean)
		}
		inv := 1 / math.Sqrt(vr/nf+lnEps)
		wk.inv[i][r] = inv
		for j, v := range row {
			nrm[j] = (v - mean) * inv
			row[j] = gamma[j]*nrm[j] + beta[j]
		}
	}
}

// backward propagates ∂/∂f, given in dz[last] for the first m rows, to
// every layer's dz (and du with layer norm).
func (wk *work) backward(theta []float64, m int) {
	for i := len(wk.ls) - 1; i >= 0; i-- {
		l := wk.ls[i]
		if l.hidden {
			dz := wk.dz[i][:m*l.out]
			l.act.backward(dz, wk.da[i+1][:m*l.out], wk.u[i][:m*l.out], wk.h[i][:m*l.out])
			if l.gamma >= 0 {
				wk.layerNormBackward(theta, i, m)
			}
		}
		if i == 0 {
			break
		}
		da := wk.da[i][:m*l.in]
		if l.res {
			copy(da, wk.da[i+1][:m*l.out])
		}
		backInput(da, wk.dz[i], theta[l.w:l.w+l.out*l.in], m, l.in, l.out, !l.res)
	}
}

// layerNormBackward turns ∂/∂u (in dz) into du and ∂/∂v for v the affine
// output: with n̂ the normalised values, ∂/∂n̂ = γ⊙du and
// ∂/∂v = (1/σ)(∂n̂ − mean(∂n̂) − n̂·mean(∂n̂⊙n̂)).
func (wk *work) layerNormBackward(theta []float64, i, m int) {
	l := wk.ls[i]
	gamma := theta[l.gamma : l.gamma+l.out]
	nf := float64(l.out)
	for r := range m {
		dz := wk.dz[i][r*l.out : (r+1)*l.out]
		du := wk.du[i][r*l.out : (r+1)*l.out]
		nrm := wk.nrm[i][r*l.out : (r+1)*l.out]
		copy(du, dz)
		s1, s2 := 0.0, 0.0
		for j := range dz {
			g := gamma[j] * du[j]
			s1 += g
			s2 += g * nrm[j]
		}
		s1 /= nf
		s2 /= nf
		inv := wk.inv[i][r]
		for j := range dz {
			dz[j] = inv * (gamma[j]*du[j] - s1 - nrm[j]*s2)
		}
	}
}

// accumulate adds the parameter gradient of the first m rows to grad.
func (wk *work) accumulate(grad []float64, m int) {
	for i, l := range wk.ls {
		dz := wk.dz[i][:m*l.out]
		gradWeights(grad[l.w:l.w+l.out*l.in], dz, wk.a[i], m, l.in, l.out)
		colSums(grad[l.b:l.b+l.out], dz, m)
		if l.gamma >= 0 {
			gg, gb := grad[l.gamma:l.gamma+l.out], grad[l.beta:l.beta+l.out]
			for r := range m {
				du := wk.du[i][r*l.out : (r+1)*l.out]
				nrm := wk.nrm[i][r*l.out : (r+1)*l.out]
				for j, v := range du {
					gg[j] += v * nrm[j]
					gb[j] += v
				}
			}
		}
	}
}

// jacobianRows writes, for each of the first m rows r, the derivative of
// that row's output (whose ∂/∂f was seeded in dz) with respect to θ into
// jac row r·stride+off.
func (wk *work) jacobianRows(jac []float64, dim, row0, rowStride, m int) {
	for r := range m {
		jr := jac[(row0+r*rowStride)*dim : (row0+r*rowStride+1)*dim]
		for i, l := range wk.ls {
			dz := wk.dz[i][r*l.out : (r+1)*l.out]
			ar := wk.a[i][r*l.in : (r+1)*l.in]
			for o, g := range dz {
				w := jr[l.w+o*l.in : l.w+(o+1)*l.in]
				for j, v := range ar {
					w[j] = g * v
				}
				jr[l.b+o] = g
			}
			if l.gamma >= 0 {
				du := wk.du[i][r*l.out : (r+1)*l.out]
				nrm := wk.nrm[i][r*l.out : (r+1)*l.out]
				for j, v := range du {
					jr[l.gamma+j] = v * nrm[j]
					jr[l.beta+j] = v
				}
			}
		}
	}
}

func colSums(dst, a []float64, m int) {
	c := len(dst)
	for r := range m {
		for j, v := range a[r*c : (r+1)*c] {
			dst[j] += v
		}
	}
}
