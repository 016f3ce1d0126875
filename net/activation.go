package net

import (
	"fmt"
	"math"
	"strings"
)

// Activation is the nonlinearity σ of a hidden layer. The zero value is ReLU.
type Activation int

// Activations.
const (
	ReLU      Activation = iota // max(0, u); σ'(0) = 0 as in PyTorch
	LeakyReLU                   // u for u > 0, 0.01·u otherwise (PyTorch's default slope)
	Tanh                        // tanh u
	Sigmoid                     // 1/(1 + e⁻ᵘ)
	GELU                        // u·Φ(u), Φ the standard normal CDF (Hendrycks & Gimpel 2016; exact, not the tanh approximation)
	Identity                    // u: a deep linear network
	numActivations
)

// leakySlope is the negative slope of LeakyReLU (PyTorch's default).
const leakySlope = 0.01

var activationNames = [...]string{ReLU: "relu", LeakyReLU: "leaky_relu", Tanh: "tanh", Sigmoid: "sigmoid", GELU: "gelu", Identity: "identity"}

// String returns the activation's name: "relu", "tanh", ...
func (a Activation) String() string {
	if a >= 0 && a < numActivations {
		return activationNames[a]
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation returns the activation with the given name
// (case-insensitive; "linear" is Identity).
func ParseActivation(name string) (Activation, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "linear" {
		return Identity, nil
	}
	for i, s := range activationNames {
		if s == n {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("net: unknown activation %q; want relu, leaky_relu, tanh, sigmoid, gelu or identity", name)
}

// MarshalText encodes the name.
func (a Activation) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes a name.
func (a *Activation) UnmarshalText(b []byte) error {
	v, err := ParseActivation(string(b))
	*a = v
	return err
}

// reluType reports whether He initialisation is the default for a.
func (a Activation) reluType() bool { return a == ReLU || a == LeakyReLU || a == GELU }

// apply sets h = σ(u) elementwise.
func (a Activation) apply(h, u []float64) {
	switch a {
	case ReLU:
		for i, v := range u {
			h[i] = math.Max(v, 0)
		}
	case LeakyReLU:
		for i, v := range u {
			if v > 0 {
				h[i] = v
			} else {
				h[i] = leakySlope * v
			}
		}
	case Tanh:
		for i, v := range u {
			h[i] = math.Tanh(v)
		}
	case Sigmoid:
		for i, v := range u {
			h[i] = sigmoid(v)
		}
	case GELU:
		for i, v := range u {
			h[i] = v * 0.5 * math.Erfc(-v/math.Sqrt2)
		}
	default:
		copy(h, u)
	}
}

// backward sets du = dh ⊙ σ'(u) elementwise, given h = σ(u) (du may alias
// dh): tanh' = 1 − h² and sigmoid' = h(1 − h) from the outputs, as
// PyTorch computes them.
func (a Activation) backward(du, dh, u, h []float64) {
	switch a {
	case ReLU:
		for i, v := range u {
			if !(v > 0) {
				du[i] = 0
			} else {
				du[i] = dh[i]
			}
		}
	case LeakyReLU:
		for i, v := range u {
			if v > 0 {
				du[i] = dh[i]
			} else {
				du[i] = leakySlope * dh[i]
			}
		}
	case Tanh:
		for i, t := range h[:len(u)] {
			du[i] = dh[i] * (1 - t*t)
		}
	case Sigmoid:
		for i, s := range h[:len(u)] {
			du[i] = dh[i] * s * (1 - s)
		}
	case GELU:
		for i, v := range u {
			phi := math.Exp(-v*v/2) / math.Sqrt(2*math.Pi)
			du[i] = dh[i] * (0.5*math.Erfc(-v/math.Sqrt2) + v*phi)
		}
	default:
		copy(du, dh)
	}
}

// sigmoid is 1/(1+e⁻ᵘ), written to avoid overflow for large |u|.
func sigmoid(u float64) float64 {
	if u >= 0 {
		return 1 / (1 + math.Exp(-u))
	}
	e := math.Exp(u)
	return e / (1 + e)
}
