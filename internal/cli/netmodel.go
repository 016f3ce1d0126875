package cli

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/net"
)

// saveNet writes a trained network as a model file of kind "net"
// (modelio.NetModel), with the design its features were made by (nil for
// plain columns), the solver and the training summary. With an
// optimiser's result the file also carries its checkpoint, so that
// --resume continues the training bit for bit.
func saveNet(path, solver string, nn *net.Net, features, targets []string, design *modelio.Design, res *net.Result) error {
	m, err := modelio.NetModel(nn, features, targets)
	if err != nil {
		return err
	}
	m.Design = design
	m.Solver = modelio.Solver{Name: solver}
	m.Training = map[string]any{"status": res.Status.String(), "epochs": res.Epochs, "train_loss": res.TrainLoss}
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

// loadModel reads the model file of predict and eval. A network is also
// rebuilt once (modelio.Model.Network), so that a file whose parameters do not fit
// its shape is reported under its own name, before any data is read.
func loadModel(path string) (*modelio.Model, error) {
	m, err := modelio.Load(path)
	if err != nil {
		return nil, err
	}
	if m.Kind == modelio.KindNet {
		if _, err := m.Network(); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	return m, nil
}

// netPredictions are a network model's predictions on the kept rows: one
// column per output, in the model's target order (net.Net.Predict).
func netPredictions(m *modelio.Model, md *modelDesign, file string) ([][]float64, error) {
	nn, err := m.Network()
	if err != nil {
		// loadModel has refused such a model by its file's name already;
		// file is the data's, so this names the model as modeldesign does.
		return nil, &modelio.Error{File: "model", Msg: err.Error()}
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
