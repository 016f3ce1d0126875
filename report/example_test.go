package report_test

import (
	"fmt"
	"io"
	"math"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/report"
)

// textbookGD runs gradient descent on the textbook line fit (x = 1..5,
// y = 2, 4, 5, 4, 5) from (0, 0), reporting each epoch to rec and
// returning the iterates.
func textbookGD(lr float64, epochs int, rec lsq.Recorder) (ms, bs []float64) {
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{2, 4, 5, 4, 5}
	m, b := 0.0, 0.0
	ms, bs = []float64{m}, []float64{b}
	for k := 1; k <= epochs; k++ {
		var gm, gb, loss float64
		for i := range x {
			r := y[i] - m*x[i] - b
			gm -= r * x[i] / 5
			gb -= r / 5
		}
		m, b = m-lr*gm, b-lr*gb
		for i := range x {
			r := y[i] - m*x[i] - b
			loss += r * r / 10
		}
		ms, bs = append(ms, m), append(bs, b)
		if rec != nil {
			rec.Record(lsq.Iteration{Epoch: k, Step: k, LR: lr, Loss: loss, Objective: loss, ValLoss: math.NaN()})
		}
	}
	return ms, bs
}

func ExampleLossPlot() {
	var trace report.Trace // an lsq.Recorder
	textbookGD(0.05, 200, &trace)
	p, err := report.LossPlot(trace, 0.24) // 0.24: the exact minimum
	if err != nil {
		panic(err)
	}
	// The first epoch already moved the loss from 8.6 (at m = b = 0) to 1.9.
	fmt.Printf("%s: epochs %g to %g, loss from %.3g down to the optimum line at %.3g\n",
		p.Title.Text, p.X.Min, p.X.Max, p.Y.Max, p.Y.Min)
	// Output:
	// Training loss: epochs 1 to 200, loss from 1.9 down to the optimum line at 0.24
}

func ExampleDemoFigure() {
	ms, bs := textbookGD(0.01, 1000, nil)
	fig, err := report.DemoFigure(report.LossSurface{
		Title: "The textbook run",
		X:     []float64{1, 2, 3, 4, 5},
		Y:     []float64{2, 4, 5, 4, 5},
		Paths: []report.Iterates{{Label: "rate 0.01", Slope: ms, Intercept: bs}},
	})
	if err != nil {
		panic(err)
	}
	// The CLI passes the file it writes atomically; the name picks the format.
	if err := fig.WriteFile(io.Discard, "demo.svg"); err != nil {
		panic(err)
	}
	w, h := fig.Size()
	fmt.Printf("%v × %v points; GD ended at m = %.3f, b = %.3f (exact: 0.6, 2.2)\n", w.Points(), h.Points(), ms[1000], bs[1000])
	// Output:
	// 360 × 360 points; GD ended at m = 0.696, b = 1.852 (exact: 0.6, 2.2)
}

func ExampleCVPlot() {
	p, err := report.CVPlot(report.CV{
		Alphas:   []float64{1, 0.3, 0.1, 0.03, 0.01},
		Mean:     []float64{2.0, 1.3, 1.1, 1.0, 1.05},
		SE:       []float64{0.2, 0.15, 0.12, 0.1, 0.1},
		AlphaMin: 0.03, // smallest mean
		Alpha1SE: 0.1,  // largest α with mean ≤ 1.0 + 0.1
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Title.Text, "with", p.Y.Label.Text)
	// Output:
	// Cross-validation with mean squared error
}

func ExamplePathPlot() {
	p, err := report.PathPlot(report.Path{
		Alphas:   []float64{1, 0.1, 0.01},
		Coef:     [][]float64{{0, 0}, {0.5, 0}, {0.9, -0.3}},
		Features: []string{"age", "income"},
		Chosen:   0.1,
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("α from %g to %g, coefficients from %g to %g\n", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	// Output:
	// α from 0.01 to 1, coefficients from -0.3 to 0.9
}

func ExampleLeveragePlot() {
	// R's hatvalues and rstandard of lm(y ~ x) for x = 1, 2, 3, 4, 5, 12
	// and y = 1.1, 1.9, 3.2, 3.9, 5.1, 9 (package stats computes them:
	// stats.NewInfluence).
	p, err := report.LeveragePlot(report.Leverage{
		Hat:      []float64{0.3247, 0.2473, 0.1957, 0.1699, 0.1699, 0.8925},
		StdResid: []float64{-1.0916, -0.8236, 0.4869, 0.4669, 1.5177, -1.9313},
		P:        2,
	})
	if err != nil {
		panic(err)
	}
	// The last point, of leverage 0.89, lies beyond both contours of
	// Cook's distance (its D is 15.5).
	fmt.Printf("%s: leverage up to %.2f, residuals %.2f to %.2f\n", p.Title.Text, p.X.Max, p.Y.Min, p.Y.Max)
	// Output:
	// Residuals against leverage: leverage up to 0.92, residuals -2.07 to 1.66
}
