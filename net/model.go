package net

import (
	"errors"
	"fmt"
	"slices"

	"github.com/lsqgo/lsq/modelio"
)

// Model returns the network as a model of kind "net", named by its input
// features and its targets (one name per input and per output), for
// modelio.Save: its shape, one activation name per hidden layer, θ, and
// the standardisation of its inputs (the model's Scaling, nil for raw
// inputs) and of its targets. The slices are copied, so changing the model
// changes neither the network nor what Save writes of it. Solver, Training
// and State are left for the caller to fill. It returns an error if the
// names do not match the network's widths, or the network's parameters or
// standardisation do not match its shape.
func (nn *Net) Model(features, targets []string) (*modelio.Model, error) {
	if err := nn.check(); err != nil {
		return nil, err
	}
	if len(features) != nn.Inputs {
		return nil, fmt.Errorf("net: %d feature names for a network of %d inputs", len(features), nn.Inputs)
	}
	if len(targets) != nn.Outputs {
		return nil, fmt.Errorf("net: %d target names for a network of %d outputs", len(targets), nn.Outputs)
	}
	acts := make([]string, len(nn.Hidden))
	for i := range acts {
		acts[i] = nn.Activation(i).String()
	}
	m := &modelio.Model{Kind: modelio.KindNet, Features: slices.Clone(features), Target: targets[0], FitIntercept: true,
		Net: &modelio.Net{Version: modelio.NetVersion, Targets: slices.Clone(targets), Hidden: slices.Clone(nn.Hidden),
			Activations: acts, Residual: nn.Residual, LayerNorm: nn.LayerNorm, Params: slices.Clone(nn.Theta),
			OutCenter: slices.Clone(nn.OutCenter), OutScale: slices.Clone(nn.OutScale)},
	}
	if nn.InScale != nil {
		m.Scaling = &modelio.Scaling{Center: slices.Clone(nn.InCenter), Scale: slices.Clone(nn.InScale)}
	}
	return m, nil
}

// FromModel returns the network of a model of kind "net", as Model writes
// it and modelio.Load reads it: one input per feature, one output per
// target. The slices are copied, so the network and the model are
// independent. It returns an error naming what is wrong if the model is
// of another kind, names an unknown activation, or its parameters or
// standardisation do not match its shape.
func FromModel(m *modelio.Model) (*Net, error) {
	if m.Kind != modelio.KindNet {
		return nil, fmt.Errorf("net: a %s model, not a network (kind %q)", m.Kind, modelio.KindNet)
	}
	mn := m.Net
	if mn == nil {
		return nil, errors.New("net: the model has no \"net\" object")
	}
	nn := &Net{Arch: Arch{Inputs: len(m.Features), Outputs: len(mn.Targets), Hidden: slices.Clone(mn.Hidden), Residual: mn.Residual, LayerNorm: mn.LayerNorm},
		Theta: slices.Clone(mn.Params), OutCenter: slices.Clone(mn.OutCenter), OutScale: slices.Clone(mn.OutScale)}
	for _, s := range mn.Activations {
		a, err := ParseActivation(s)
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
		return nil, fmt.Errorf("net: the model has %d parameters; its shape %s needs %d", len(nn.Theta), nn.Arch, nn.Arch.Dim())
	}
	if err := nn.check(); err != nil {
		return nil, err
	}
	return nn, nil
}
