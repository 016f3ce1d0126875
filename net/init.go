package net

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// InitKind names a rule for the initial weights.
type InitKind int

// Initialisation rules. Biases start at 0, layer-norm gains at 1 and shifts
// at 0 under every rule.
const (
	// Default is He for a layer whose activation is ReLU-type (relu,
	// leaky_relu, gelu) and Xavier otherwise (tanh, sigmoid, identity, and
	// the linear output layer).
	Default InitKind = iota
	// He draws W ~ N(0, g²/fan_in), g² = 2/(1 + s²) for a leaky slope s
	// (2 for ReLU; 1 for a layer without a ReLU-type activation): the
	// variance that keeps the activations' second moment constant through
	// ReLU layers. K. He, X. Zhang, S. Ren, J. Sun, "Delving deep into
	// rectifiers", ICCV 2015, eq. (10).
	He
	// Xavier draws W ~ U(−a, a), a = √(6/(fan_in + fan_out)): the
	// "normalized initialization" that balances the variances of the
	// forward activations and the backward gradients. X. Glorot, Y. Bengio,
	// "Understanding the difficulty of training deep feedforward neural
	// networks", AISTATS 2010, eq. (16).
	Xavier
	// Orthogonal sets W to g·Q, Q the orthonormal factor (sign-corrected so
	// that it is uniformly distributed) of a Gaussian matrix, g = √2 before
	// a ReLU-type activation and 1 otherwise. A. M. Saxe, J. L. McClelland,
	// S. Ganguli, "Exact solutions to the nonlinear dynamics of learning in
	// deep linear neural networks", ICLR 2014.
	Orthogonal
	// Normal draws W ~ N(0, Scale²): the naive initialisation.
	Normal
	// Uniform draws W ~ U(−Scale, Scale).
	Uniform
)

// Init is an initialisation rule: a kind, and for Normal and Uniform its
// scale. The zero value is Default.
type Init struct {
	Kind  InitKind
	Scale float64
}

// String returns the rule as ParseInit reads it.
func (in Init) String() string {
	switch in.Kind {
	case He:
		return "he"
	case Xavier:
		return "xavier"
	case Orthogonal:
		return "orthogonal"
	case Normal:
		return "normal:std=" + strconv.FormatFloat(in.Scale, 'g', -1, 64)
	case Uniform:
		return "uniform:scale=" + strconv.FormatFloat(in.Scale, 'g', -1, 64)
	}
	return "default"
}

// ParseInit reads default, he, xavier, orthogonal, normal:std=S or
// uniform:scale=S.
func ParseInit(spec string) (Init, error) {
	name, arg, hasArg := strings.Cut(strings.ToLower(strings.TrimSpace(spec)), ":")
	simple := map[string]InitKind{"": Default, "default": Default, "he": He, "kaiming": He, "xavier": Xavier, "glorot": Xavier, "orthogonal": Orthogonal}
	if k, ok := simple[name]; ok {
		if hasArg {
			return Init{}, fmt.Errorf("net: init %q takes no settings", spec)
		}
		return Init{Kind: k}, nil
	}
	key := map[string]string{"normal": "std", "uniform": "scale"}[name]
	if key == "" {
		return Init{}, fmt.Errorf("net: unknown init %q; want he, xavier, orthogonal, normal:std=S or uniform:scale=S", spec)
	}
	k, v, ok := strings.Cut(arg, "=")
	s, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if !ok || strings.TrimSpace(k) != key || err != nil || !(s > 0) || math.IsInf(s, 0) {
		return Init{}, fmt.Errorf("net: init %q: want %s:%s=S with S a positive number", spec, name, key)
	}
	kind := Normal
	if name == "uniform" {
		kind = Uniform
	}
	return Init{Kind: kind, Scale: s}, nil
}

// initPCG is the PCG stream constant of the initial weights.
const initPCG = 0x6c73712d6e657473 // "lsq-nets"

// initialise fills the parameters of the architecture from seed.
func (a *Arch) initialise(theta []float64, rule Init, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, initPCG))
	for _, l := range a.layers() {
		w := theta[l.w : l.w+l.out*l.in]
		kind := rule.Kind
		if kind == Default {
			kind = Xavier
			if l.act.reluType() {
				kind = He
			}
		}
		gain2 := 1.0
		switch l.act {
		case ReLU, GELU:
			gain2 = 2
		case LeakyReLU:
			gain2 = 2 / (1 + leakySlope*leakySlope)
		}
		switch kind {
		case He:
			sd := math.Sqrt(gain2 / float64(l.in))
			for i := range w {
				w[i] = sd * rng.NormFloat64()
			}
		case Xavier:
			uniform(w, math.Sqrt(6/float64(l.in+l.out)), rng)
		case Orthogonal:
			orthogonal(w, l.out, l.in, math.Sqrt(gain2), rng)
		case Normal:
			for i := range w {
				w[i] = rule.Scale * rng.NormFloat64()
			}
		case Uniform:
			uniform(w, rule.Scale, rng)
		}
		clear(theta[l.b : l.b+l.out])
		if l.gamma >= 0 {
			for i := range l.out {
				theta[l.gamma+i] = 1
				theta[l.beta+i] = 0
			}
		}
	}
}

func uniform(w []float64, a float64, rng *rand.Rand) {
	for i := range w {
		w[i] = a * (2*rng.Float64() - 1)
	}
}

// orthogonal sets the rows×cols matrix w to gain·Q with orthonormal rows
// (rows ≤ cols) or columns (rows > cols): Q from the QR factorisation of a
// Gaussian matrix, with the signs of R's diagonal moved into Q (Mezzadri,
// "How to generate random matrices from the classical compact groups", 2007).
func orthogonal(w []float64, rows, cols int, gain float64, rng *rand.Rand) {
	m, n := max(rows, cols), min(rows, cols)
	g := mat.NewDense(m, n, nil)
	for i := range m {
		for j := range n {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for i := range rows {
		for j := range cols {
			var v float64
			if rows >= cols {
				v = q.At(i, j) * sign(r.At(j, j))
			} else {
				v = q.At(j, i) * sign(r.At(i, i))
			}
			w[i*cols+j] = gain * v
		}
	}
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}
