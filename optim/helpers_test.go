package optim

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// wellConditioned is the reference problem of the convergence tests: n rows,
// d independent Gaussian features with offsets 10·j and scales 2^j (so that
// raw gradient descent would be badly conditioned and standardisation
// matters), y = Xβ + 3 + N(0, 0.1²). It returns the data, the column means
// and standard deviations, and the exact least-squares solution on the
// standardised scale, θ* = [β'..., b], from gonum's QR.
func wellConditioned(n, d int, seed uint64) (x *mat.Dense, y, mu, sd, exact []float64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	x = mat.NewDense(n, d, nil)
	y = make([]float64, n)
	beta := make([]float64, d)
	for j := range beta {
		beta[j] = float64(j%3+1) * math.Pow(-1, float64(j)) / math.Pow(2, float64(j))
	}
	for i := range n {
		s := 3.0
		for j := range d {
			v := 10*float64(j) + math.Pow(2, float64(j))*rng.NormFloat64()
			x.Set(i, j, v)
			s += beta[j] * v
		}
		y[i] = s + 0.1*rng.NormFloat64()
	}
	mu, sd = make([]float64, d), make([]float64, d)
	col := make([]float64, n)
	for j := range d {
		mat.Col(col, j, x)
		mu[j], sd[j] = stat.MeanStdDev(col, nil)
	}
	// Exact solution of the standardised problem with an intercept column.
	z := mat.NewDense(n, d+1, nil)
	for i := range n {
		for j := range d {
			z.Set(i, j, (x.At(i, j)-mu[j])/sd[j])
		}
		z.Set(i, d, 1)
	}
	var qr mat.QR
	qr.Factorize(z)
	var sol mat.Dense
	if err := qr.SolveTo(&sol, false, mat.NewVecDense(n, y)); err != nil {
		panic(err)
	}
	exact = mat.Col(nil, 0, &sol)
	return x, y, mu, sd, exact
}

// relErr is ‖a − b‖/‖b‖.
func relErr(a, b []float64) float64 {
	d := make([]float64, len(a))
	floats.SubTo(d, a, b)
	return floats.Norm(d, 2) / floats.Norm(b, 2)
}
