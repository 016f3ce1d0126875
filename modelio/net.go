package modelio

import (
	"errors"
	"fmt"

	"github.com/lsqgo/lsq"
)

// KindNet is a neural network written by lsq net.
const KindNet = "net"

// NetVersion is the newest layout of the "net" object this package reads.
const NetVersion = 1

// Net is a neural network (kind "net"): its shape, its parameters θ on the
// training scale in package net's layout (every weight matrix, out×in
// row-major, first; then each layer's bias and layer-norm gain and shift),
// and the standardisation of its inputs (the model's Scaling, absent for
// raw inputs) and of its targets.
type Net struct {
	Version     int       `json:"version"`
	Targets     []string  `json:"targets"`
	Hidden      []int     `json:"hidden"`
	Activations []string  `json:"activations"`
	Residual    bool      `json:"residual,omitempty"`
	LayerNorm   bool      `json:"layer_norm,omitempty"`
	Params      []float64 `json:"params"`
	OutCenter   []float64 `json:"target_center"`
	OutScale    []float64 `json:"target_scale"`
}

func (m *Model) validateNet() error {
	n := m.Net
	if n == nil {
		return errors.New("the net model has no \"net\" object")
	}
	if n.Version > NetVersion || n.Version < 1 {
		return fmt.Errorf("net layout version %d is not one this lsq (%s) reads (1 to %d); upgrade lsq", n.Version, lsq.Version, NetVersion)
	}
	if len(m.Features) == 0 || len(n.Targets) == 0 {
		return errors.New("the net model needs features and targets")
	}
	if len(n.OutCenter) != len(n.Targets) || len(n.OutScale) != len(n.Targets) {
		return errors.New("the net model's target scaling does not match its targets")
	}
	if !lsq.Finite(n.Params) || !lsq.Finite(n.OutCenter) || !lsq.Finite(n.OutScale) {
		return errors.New("the net model holds a parameter that is not finite")
	}
	return nil
}
