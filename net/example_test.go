package net_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/net"
	"github.com/lsqgo/lsq/optim"
)

// sine returns n rows of y = sin(3x) + N(0, 0.1²).
func sine(n int, seed uint64) (x, y *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 0))
	x, y = mat.NewDense(n, 1, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		v := 4*rng.Float64() - 2
		x.Set(i, 0, v)
		y.Set(i, 0, math.Sin(3*v)+0.1*rng.NormFloat64())
	}
	return x, y
}

// A small tanh network fitted by Levenberg–Marquardt reaches the noise
// level (RMSE 0.1) on held-out rows.
func ExampleTrain() {
	x, y := sine(600, 1)
	vx, vy := sine(500, 2)
	res, err := net.Train(context.Background(), x, y, &net.Settings{
		Hidden:      []int{16},
		Activations: []net.Activation{net.Tanh},
		LM:          true,
		Optim:       optim.Settings{Epochs: 100},
		ValX:        vx, ValY: vy,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: held-out RMSE %.1f\n", res.Net.Arch, math.Sqrt(res.ValMSE[0]))
	// Output:
	// 1→16(tanh)→1: held-out RMSE 0.1
}

// A deep linear network's optimum is the least-squares fit; L-BFGS reaches
// it, and the result says how closely.
func ExampleTrain_deepLinear() {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := mat.NewDense(100, 2, nil), mat.NewDense(100, 1, nil)
	for i := range 100 {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x.SetRow(i, []float64{a, b})
		y.Set(i, 0, 1+2*a-b+0.1*rng.NormFloat64())
	}
	res, err := net.Train(context.Background(), x, y, &net.Settings{
		Hidden:      []int{3, 3, 3},
		Activations: []net.Activation{net.Identity},
		Optimizer:   &optim.LBFGS{},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, res.Linear.Gap < 1e-10)
	// Output:
	// gap-tolerance true
}

// The per-layer gradient norms after the first epoch show a deep sigmoid
// network with a small initialisation losing its gradient on the way back
// to the input.
func ExampleRecorderFunc() {
	x, y := sine(256, 3)
	var ratio float64
	first := true
	_, err := net.Train(context.Background(), x, y, &net.Settings{
		Hidden:      []int{32, 32, 32, 32, 32, 32},
		Activations: []net.Activation{net.Sigmoid},
		Init:        net.Init{Kind: net.Normal, Scale: 0.05},
		Optimizer:   &optim.SGD{},
		Optim:       optim.Settings{LearningRate: 0.05, Epochs: 1},
		Recorder: net.RecorderFunc(func(e net.Epoch) error {
			if first {
				ratio, first = net.GradRatio(e.Layers), false
			}
			return nil
		}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("first/last layer gradient below 1e-3:", ratio < 1e-3)
	// Output:
	// first/last layer gradient below 1e-3: true
}

func ExampleParseInit() {
	in, err := net.ParseInit("normal:std=0.05")
	fmt.Println(in.Kind == net.Normal, in.Scale, err)
	// Output:
	// true 0.05 <nil>
}

// After training, the output layer can be refitted exactly: with the
// hidden layers frozen the network is linear in it.
func ExampleRefitHead() {
	x, y := sine(500, 4)
	res, err := net.Train(context.Background(), x, y, &net.Settings{
		Hidden:      []int{32},
		Activations: []net.Activation{net.Tanh},
		Optim:       optim.Settings{LearningRate: 0.01, Epochs: 5},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	head, err := net.RefitHead(res.Net, x, y, nil, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	after, _ := head.MSE(x, y, nil)
	fmt.Println("the exact head fits better:", after[0] < res.TrainMSE[0])
	// Output:
	// the exact head fits better: true
}
