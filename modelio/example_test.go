package modelio_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/modelio"
)

// Fit, save the model, load it back and predict: the coefficients are on
// the original scale, so the loaded model predicts from raw inputs.
func Example() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, err := fit.Matrix(context.Background(), x, y, nil)
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "model")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.json")
	m := &modelio.Model{Kind: modelio.KindLinear, Target: "y", Features: []string{"x"},
		Coef: res.Coef, Intercept: res.Intercept, FitIntercept: true,
		Solver: modelio.Solver{Name: res.Solver.String()}}
	if err := modelio.Save(path, m); err != nil {
		panic(err)
	}

	loaded, err := modelio.Load(path)
	if err != nil {
		panic(err)
	}
	model := loaded.Linear()
	fmt.Printf("%s: ŷ = %.1f + %.1f·x; at x = 6, ŷ = %.1f\n", loaded.Solver.Name, model.Intercept, model.Coef[0], model.Predict([]float64{6}))

	// A file that cannot be used is a *modelio.Error saying what is wrong.
	_, err = modelio.Decode([]byte(`{"format": "lsq-model", "version": 1, "kind": "lin`), "cut.json")
	var me *modelio.Error
	fmt.Println(errors.As(err, &me), err)
	// Output:
	// qr: ŷ = 2.2 + 0.6·x; at x = 6, ŷ = 5.8
	// true cut.json: the model file is truncated (it ends in the middle of the JSON); write it again with `lsq fit ... -o`
}
