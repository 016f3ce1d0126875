package modelio_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/net"
	"github.com/lsqgo/lsq/optim"
)

// A trained network is saved as a model file of kind "net" (the file lsq
// net -o writes, which lsq predict reads) and loaded back: the network
// read back predicts the same bits.
func ExampleModel_Network() {
	x, y := mat.NewDense(50, 1, nil), mat.NewDense(50, 1, nil)
	for i := range 50 {
		v := float64(i)/12 - 2
		x.Set(i, 0, v)
		y.Set(i, 0, math.Sin(3*v))
	}
	res, err := net.Train(context.Background(), x, y, &net.Settings{
		Hidden:      []int{8},
		Activations: []net.Activation{net.Tanh},
		Optim:       optim.Settings{Epochs: 3},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "net")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "net.json")

	m, err := modelio.NetModel(res.Net, []string{"x"}, []string{"y"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := modelio.Save(path, m); err != nil {
		fmt.Println(err)
		return
	}

	loaded, err := modelio.Load(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	nn, err := loaded.Network()
	if err != nil {
		fmt.Println(err)
		return
	}
	before, _ := res.Net.Predict(x)
	after, _ := nn.Predict(x)
	fmt.Println(loaded.Kind, loaded.Features, loaded.Net.Targets, nn.Arch)
	fmt.Println("same predictions:", mat.Equal(before, after))
	// Output:
	// net [x] [y] 1→8(tanh)→1
	// same predictions: true
}
