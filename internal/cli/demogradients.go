package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/net"
	"github.com/lsqgo/lsq/optim"
)

func newDemoGradientsCmd(stdio IO) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "gradients",
		Short: "Vanishing and exploding gradients in deep networks, measured",
		Long: `gradients trains networks of six hidden layers (width 32) on generated data
(n = 512, 8 inputs, y = sin x₁ + x₂x₃ − x₄²/2 + noise) by mini-batch SGD and
prints, for each, the ratio of the first layer's weight-gradient norm to the
last layer's after the first epoch, and how far training got:

  sigmoid with small normal weights (std 0.05): the gradient shrinks by about
    σ'·std·√width ≤ 0.25·0.05·√32 per layer on its way back, and the first
    layers barely learn (Glorot & Bengio 2010);
  tanh with Xavier and ReLU with He initialisation: ratios near one, and they
    train (Glorot & Bengio 2010; He et al. 2015);
  ReLU with normal weights of std 0.4: activations and gradients grow by
    about 0.4·√(width/2) = 1.6 per layer and SGD diverges; --clip-norm 1
    tames it (the clipped steps are counted);
  tanh + Xavier on inputs of scale 1000, without and with standardisation.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemoGradients(cmd.Context(), asJSON, stdio)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// gradRun is one network of the demo.
type gradRun struct {
	Label      string    `json:"label"`
	Activation string    `json:"activation"`
	Init       string    `json:"init"`
	Standard   bool      `json:"standardized"`
	ClipNorm   float64   `json:"clip_norm,omitempty"`
	RatioFirst jsonFloat `json:"grad_ratio_first_epoch"`
	RatioLast  jsonFloat `json:"grad_ratio_last_epoch"`
	GradFirst  []float64 `json:"grad_w_first_epoch"`
	MaxGrad    jsonFloat `json:"max_grad_norm_first_epoch"`
	StartMSE   float64   `json:"start_mse"`
	MSE        jsonFloat `json:"mse"`
	R2         jsonFloat `json:"r2"`
	Status     string    `json:"status"`
	Epochs     int       `json:"epochs"`
	Clipped    int       `json:"clipped_steps"`
	Diverged   bool      `json:"diverged"`
}

// demoGradData is the demo's data set; scale multiplies the inputs.
func demoGradData(scale float64) (x, y *mat.Dense) {
	rng := rand.New(rand.NewPCG(2010, 2015))
	n, d := 512, 8
	x, y = mat.NewDense(n, d, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		r := x.RawRowView(i)
		for j := range r {
			r[j] = rng.NormFloat64()
		}
		y.Set(i, 0, math.Sin(r[0])+r[1]*r[2]-r[3]*r[3]/2+0.1*rng.NormFloat64())
		for j := range r {
			r[j] = scale * r[j]
		}
	}
	return x, y
}

func runGradDemo(ctx context.Context, label string, act net.Activation, init net.Init, raw bool, scale, clip float64) (*gradRun, error) {
	x, y := demoGradData(scale)
	r := &gradRun{Label: label, Activation: act.String(), Init: init.String(), Standard: !raw, ClipNorm: clip}
	first := true
	s := &net.Settings{Hidden: []int{32, 32, 32, 32, 32, 32}, Activations: []net.Activation{act}, Init: init, Raw: raw, Seed: 1,
		Optimizer: &optim.SGD{}, Optim: optim.Settings{LearningRate: 0.05, BatchSize: 32, Epochs: 40, Seed: 1, ClipNorm: clip}}
	s.Recorder = net.RecorderFunc(func(e net.Epoch) error {
		if first {
			r.RatioFirst = jsonFloat(net.GradRatio(e.Layers))
			r.MaxGrad = jsonFloat(e.PreClipNorm)
			for _, l := range e.Layers {
				r.GradFirst = append(r.GradFirst, l.GradW)
			}
			first = false
		}
		r.RatioLast = jsonFloat(net.GradRatio(e.Layers))
		return nil
	})
	res, err := net.Train(ctx, x, y, s)
	var de *optim.DivergenceError
	if errors.As(err, &de) {
		r.Diverged, r.Status, r.MSE, r.R2 = true, lsq.Diverged.String(), jsonFloat(math.NaN()), jsonFloat(math.NaN())
		r.Epochs = de.Epoch
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	_, sd := lsq.Moments(y, nil, true)
	r.StartMSE = sd[0] * sd[0]
	r.MSE = jsonFloat(res.TrainMSE[0])
	r.R2 = jsonFloat(1 - res.TrainMSE[0]/r.StartMSE)
	r.Status, r.Epochs, r.Clipped = res.Status.String(), res.Epochs, res.Clipped
	return r, nil
}

func runDemoGradients(ctx context.Context, asJSON bool, stdio IO) error {
	specs := []struct {
		label string
		act   net.Activation
		init  net.Init
		raw   bool
		scale float64
		clip  float64
	}{
		{"vanishing: sigmoid, small normal init", net.Sigmoid, net.Init{Kind: net.Normal, Scale: 0.05}, false, 1, 0},
		{"tanh, Xavier init", net.Tanh, net.Init{Kind: net.Xavier}, false, 1, 0},
		{"relu, He init", net.ReLU, net.Init{Kind: net.He}, false, 1, 0},
		{"exploding: relu, normal init std 0.4", net.ReLU, net.Init{Kind: net.Normal, Scale: 0.4}, false, 1, 0},
		{"the same, --clip-norm 1", net.ReLU, net.Init{Kind: net.Normal, Scale: 0.4}, false, 1, 1},
		{"tanh + Xavier, inputs ×1000, raw", net.Tanh, net.Init{Kind: net.Xavier}, true, 1000, 0},
		{"tanh + Xavier, inputs ×1000, standardised", net.Tanh, net.Init{Kind: net.Xavier}, false, 1000, 0},
	}
	var runs []*gradRun
	for _, sp := range specs {
		r, err := runGradDemo(ctx, sp.label, sp.act, sp.init, sp.raw, sp.scale, sp.clip)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	if asJSON {
		return writeJSON(stdio.Out, struct {
			Runs []*gradRun `json:"runs"`
		}{runs})
	}
	w := stdio.Out
	fmt.Fprintln(w, "Six hidden layers of 32 units, mini-batch SGD (rate 0.05, batch 32, 40 epochs), n = 512.")
	fmt.Fprintln(w, "ratio = ‖∂W¹‖/‖∂W⁷‖, first layer's weight gradient over the output layer's, after epoch 1.")
	tw := newTable(w)
	fmt.Fprintln(tw, "run\tratio (epoch 1)\tratio (end)\tlargest ‖g‖ (epoch 1)\tR²\tstatus\tclipped steps\t")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%.3g\t%.3g\t%.3g\t%.3f\t%s\t%d\t\n", r.Label, float64(r.RatioFirst), float64(r.RatioLast), float64(r.MaxGrad), float64(r.R2), r.Status, r.Clipped)
	}
	return tw.Flush()
}
