package cli

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/net"
)

// saveNet writes a trained network as a model file of kind "net".
// With an optimiser's result the file also carries its checkpoint, so that
// --resume continues the training bit for bit.
func saveNet(path, solver string, nn *net.Net, features, targets []string, res *net.Result) error {
	acts := make([]string, len(nn.Hidden))
	for i := range nn.Hidden {
		a := net.ReLU
		switch len(nn.Activations) {
		case 0:
		case 1:
			a = nn.Activations[0]
		default:
			a = nn.Activations[i]
		}
		acts[i] = a.String()
	}
	m := &modelio.Model{Kind: modelio.KindNet, Features: features, Target: targets[0], FitIntercept: true,
		Net: &modelio.Net{Version: modelio.NetVersion, Targets: targets, Hidden: nn.Hidden, Activations: acts,
			Residual: nn.Residual, LayerNorm: nn.LayerNorm, Params: nn.Theta, OutCenter: nn.OutCenter, OutScale: nn.OutScale},
		Solver:   modelio.Solver{Name: solver},
		Training: map[string]any{"status": res.Status.String(), "epochs": res.Epochs, "train_loss": res.TrainLoss},
	}
	if nn.InScale != nil {
		m.Scaling = &modelio.Scaling{Center: nn.InCenter, Scale: nn.InScale}
	}
	if res.Optim != nil && res.Optim.Checkpoint != nil {
		cp := res.Optim.Checkpoint
		b, err := cp.MarshalBinary()
		if err != nil {
			return err
		}
		m.State = &modelio.State{Params: cp.X, Epoch: cp.Epoch, Step: cp.Step, Extra: map[string]any{"checkpoint": b}}
	}
	return modelio.Save(path, m)
}

// loadNet turns a "net" model back into a network.
func loadNet(m *modelio.Model) (*net.Net, error) {
	mn := m.Net
	nn := &net.Net{Arch: net.Arch{Inputs: len(m.Features), Outputs: len(mn.Targets), Hidden: mn.Hidden, Residual: mn.Residual, LayerNorm: mn.LayerNorm},
		Theta: mn.Params, OutCenter: mn.OutCenter, OutScale: mn.OutScale}
	for _, s := range mn.Activations {
		a, err := net.ParseActivation(s)
		if err != nil {
			return nil, err
		}
		nn.Activations = append(nn.Activations, a)
	}
	if m.Scaling != nil {
		nn.InCenter, nn.InScale = m.Scaling.Center, m.Scaling.Scale
	}
	if err := nn.Arch.Check(); err != nil {
		return nil, err
	}
	if len(nn.Theta) != nn.Arch.Dim() {
		return nil, fmt.Errorf("the net model has %d parameters; its shape %s needs %d", len(nn.Theta), nn.Arch, nn.Arch.Dim())
	}
	return nn, nil
}

// netPredictions are a network model's predictions on the kept rows: one
// column per output, in the model's target order (net.Net.Predict).
func netPredictions(m *modelio.Model, md *modelDesign, file string) ([][]float64, error) {
	nn, err := loadNet(m)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	out, err := nn.Predict(md.x)
	if err != nil {
		return nil, err
	}
	cols := make([][]float64, nn.Outputs)
	for k := range cols {
		cols[k] = mat.Col(nil, k, out)
	}
	return cols, finiteOutputs(cols, m.Net.Targets, md, file)
}
