package modelio

import (
	"errors"
	"fmt"
	"slices"

	"github.com/lsqgo/lsq/net"
)

// NetModel returns the network nn (package net) as a model of kind "net",
// named by its input features and its targets (one name per input and per
// output), for Save: its shape, one activation name per hidden layer, θ, and
// the standardisation of its inputs (the model's Scaling, nil for raw
// inputs) and of its targets. The slices are copied, so changing the model
// changes neither the network nor what Save writes of it. Solver, Training
// and State are left for the caller to fill. It returns an error if the
// names do not match the network's widths, or the network's parameters or
// standardisation do not match its shape.
func NetModel(nn *net.Net, features, targets []string) (*Model, error) {
	if err := nn.Check(); err != nil {
		return nil, err
	}
	if len(features) != nn.Inputs {
		return nil, fmt.Errorf("%d feature names for a network of %d inputs", len(features), nn.Inputs)
	}
	if len(targets) != nn.Outputs {
		return nil, fmt.Errorf("%d target names for a network of %d outputs", len(targets), nn.Outputs)
	}
	acts := make([]string, len(nn.Hidden))
	for i := range acts {
		acts[i] = nn.Activation(i).String()
	}
	m := &Model{Kind: KindNet, Features: slices.Clone(features), Target: targets[0], FitIntercept: true,
		Net: &Net{Version: NetVersion, Targets: slices.Clone(targets), Hidden: slices.Clone(nn.Hidden),
			Activations: acts, Residual: nn.Residual, LayerNorm: nn.LayerNorm, Params: slices.Clone(nn.Theta),
			OutCenter: slices.Clone(nn.OutCenter), OutScale: slices.Clone(nn.OutScale)},
	}
	if nn.InScale != nil {
		m.Scaling = &Scaling{Center: slices.Clone(nn.InCenter), Scale: slices.Clone(nn.InScale)}
	}
	return m, nil
}

// Network returns the network of a model of kind "net", as NetModel writes
// it and Load reads it: one input per feature, one output per
// target. The slices are copied, so the network and the model are
// independent. It returns an error naming what is wrong if the model is
// of another kind, names an unknown activation, or its parameters or
// standardisation do not match its shape.
func (m *Model) Network() (*net.Net, error) {
	if m.Kind != KindNet {
		return nil, fmt.Errorf("a %s model, not a network (kind %q)", m.Kind, KindNet)
	}
	mn := m.Net
	if mn == nil {
		return nil, errors.New("the model has no \"net\" object")
	}
	nn := &net.Net{Arch: net.Arch{Inputs: len(m.Features), Outputs: len(mn.Targets), Hidden: slices.Clone(mn.Hidden), Residual: mn.Residual, LayerNorm: mn.LayerNorm},
		Theta: slices.Clone(mn.Params), OutCenter: slices.Clone(mn.OutCenter), OutScale: slices.Clone(mn.OutScale)}
	for _, s := range mn.Activations {
		a, err := net.ParseActivation(s)
		if err != nil {
			return nil, err
		}
		nn.Activations = append(nn.Activations, a)
	}
	if m.Scaling != nil {
		nn.InCenter, nn.InScale = slices.Clone(m.Scaling.Center), slices.Clone(m.Scaling.Scale)
	}
	if err := nn.Arch.Check(); err != nil {
		return nil, err
	}
	if len(nn.Theta) != nn.Arch.Dim() {
		return nil, fmt.Errorf("the model has %d parameters; its shape %s needs %d", len(nn.Theta), nn.Arch, nn.Arch.Dim())
	}
	if err := nn.Check(); err != nil {
		return nil, err
	}
	return nn, nil
}
