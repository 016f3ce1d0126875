package cli

import (
	"context"
	"math"
	"strconv"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/optim"
)

type demoOptions struct {
	JSON   bool
	Plot   string
	Report string
}

func newDemoCmd(stdio IO) *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The textbook gradient-descent example, beside the exact answer, and GD that converges",
		Long: `demo fits a line to the textbook's five points (x = 1..5, y = 2,4,5,4,5)
by the textbook's gradient descent (raw inputs, rate 0.01, 1000 epochs), shows
the exact least-squares answer beside it, explains the gap from the curvature
of the loss, and then runs gradient descent that converges: with the rate
computed from the data, and on standardised inputs.

Its topics take the tutorial's other questions one at a time: lr (choosing
the learning rate), regularization (L1, L2, elastic net, the intercept),
nonlinear (gradient descent against Levenberg–Marquardt) and q5 (least
squares against linear regression). Every story is told in Chinese or English
(--lang zh|en; by default zh when LC_ALL or LANG starts with "zh"), with the
same numbers. docs/tutorial.md and docs/tutorial.zh.md walk through them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := langOf(cmd)
			if err != nil {
				return err
			}
			return runDemo(cmd.Context(), opts, lang, stdio)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object")
	registerDemoOutputs(cmd, &opts)
	addLangFlag(cmd)
	for _, add := range demoTopics {
		cmd.AddCommand(add(stdio))
	}
	return cmd
}

// demoTopics are the topics of lsq demo, one question of the tutorial each,
// in a file of its own (demo<topic>.go): a new topic is one line here. A
// topic reads --lang with langOf and tells its story through a narrator, in
// both languages with the same numbers: TestDemoLanguagesSameNumbers runs
// every topic listed here.
var demoTopics = []func(IO) *cobra.Command{
	newDemoLRCmd,
	newDemoRegularizationCmd,
	newDemoNonlinearCmd,
	newDemoQ5Cmd,
	newDemoGradientsCmd,
}

// demoX and demoY are the tutorial's data.
var (
	demoX = []float64{1, 2, 3, 4, 5}
	demoY = []float64{2, 4, 5, 4, 5}
)

// demoRun is one gradient-descent run of the demo.
type demoRun struct {
	Label     string    `json:"label"`
	Slope     float64   `json:"slope"`
	Intercept float64   `json:"intercept"`
	LR        float64   `json:"lr"`
	Standard  bool      `json:"standardized"`
	Epochs    int       `json:"epochs"`
	Status    string    `json:"status"`
	Converged bool      `json:"converged"`
	Gap       gapOut    `json:"gap"`
	Bound     jsonFloat `json:"bound_2_over_L"`
	L         jsonFloat `json:"L"`
	Mu        jsonFloat `json:"mu"`
	Cond      jsonFloat `json:"hessian_cond"`
	Contract  jsonFloat `json:"contraction_per_step"`
	StepsFor6 jsonFloat `json:"steps_for_1e-6"`
	res       *fit.Result
	history   *historyRecorder
}

type demoOutput struct {
	X        []float64 `json:"x"`
	Y        []float64 `json:"y"`
	Exact    exactOut  `json:"exact"`
	Tutorial *demoRun  `json:"tutorial"`
	AutoRaw  *demoRun  `json:"auto_rate_raw"`
	Standard *demoRun  `json:"standardized"`
	Features []string  `json:"features"`
	Coef     []float64 `json:"coef"`
	Interc   float64   `json:"intercept"`
	Solver   string    `json:"solver"`
	Status   string    `json:"status"`
	Conv     bool      `json:"converged"`
	Iter     int       `json:"iterations"`
	Loss     float64   `json:"loss"`
	Timings  timings   `json:"timings"`
	ExactAlt *exactOut `json:"exact_solution"`
	GapAlt   *gapOut   `json:"gap"`
	Report   string    `json:"report,omitempty"`
	Plot     string    `json:"plot,omitempty"`
}

func runDemoFit(ctx context.Context, label string, s fit.Settings) (*demoRun, error) {
	x := mat.NewDense(len(demoX), 1, append([]float64(nil), demoX...))
	h := &historyRecorder{}
	r := &demoRun{Label: label, history: h}
	s.Optim.Recorder = h
	res, err := fit.Matrix(ctx, x, demoY, &s)
	if err != nil {
		return nil, err
	}
	r.res = res
	r.Slope, r.Intercept = res.Coef[0], res.Intercept
	r.LR = res.Why.LR
	r.Standard = !s.Raw
	r.Epochs = res.Iterations
	r.Status = res.Status.String()
	r.Converged = res.Status.Converged()
	r.Gap = gapOut{ObjectiveRel: jsonFloat(res.Gap.ObjectiveRel), CoefRel: jsonFloat(res.Gap.CoefRel), GradNorm: jsonFloat(res.Gap.GradNorm)}
	w := res.Why
	r.Bound, r.L, r.Mu, r.Cond, r.Contract, r.StepsFor6 = jsonFloat(w.Bound), jsonFloat(w.L), jsonFloat(w.Mu), jsonFloat(w.Cond), jsonFloat(w.Contraction), jsonFloat(w.StepsFor1e6)
	return r, nil
}

func runDemo(ctx context.Context, opts demoOptions, lang demoLang, stdio IO) error {
	if err := checkDemoOutputs(opts); err != nil {
		return err
	}
	tut, err := runDemoFit(ctx, "tutorial", fit.Settings{Solver: fit.GD, Raw: true,
		Optim: optim.Settings{LearningRate: 0.01, Epochs: 1000}})
	if err != nil {
		return err
	}
	auto, err := runDemoFit(ctx, "rate 1/L from the data, raw inputs", fit.Settings{Solver: fit.GD, Raw: true,
		Optim: optim.Settings{Epochs: 100000}})
	if err != nil {
		return err
	}
	std, err := runDemoFit(ctx, "standardised inputs, rate 1/L", fit.Settings{Solver: fit.GD,
		Optim: optim.Settings{Epochs: 1000}})
	if err != nil {
		return err
	}
	ex := tut.res.Exact
	out := demoOutput{
		X: demoX, Y: demoY, Exact: exactOut{Coef: ex.Coef, Intercept: ex.Intercept},
		Tutorial: tut, AutoRaw: auto, Standard: std,
		Features: []string{"x"}, Coef: tut.res.Coef, Interc: tut.res.Intercept,
		Solver: "gd", Status: tut.Status, Conv: tut.Converged, Iter: tut.Epochs, Loss: tut.res.MSE,
		Timings:  timings{FitS: tut.res.FitTime.Seconds()},
		ExactAlt: &exactOut{Coef: ex.Coef, Intercept: ex.Intercept}, GapAlt: &tut.Gap,
	}
	if err := writeDemoOutputs(ctx, opts, &out); err != nil {
		return err
	}
	out.Report, out.Plot = opts.Report, opts.Plot
	if opts.JSON {
		return writeJSON(stdio.Out, out)
	}
	printDemo(narrator{stdio.Out, lang}, &out)
	return nil
}

func printDemo(n narrator, o *demoOutput) {
	t, a, s := o.Tutorial, o.AutoRaw, o.Standard
	p := n.say
	p("lsq demo: least squares by gradient descent, beside the exact answer\n\n",
		"lsq demo：用梯度下降求最小二乘解，与精确解对照\n\n")
	p("Data: x = 1 2 3 4 5, y = 2 4 5 4 5. Model: y ≈ slope·x + intercept,\n"+
		"loss J = (1/2n)·Σ(y − slope·x − intercept)², gradient (1/n)·Xᵀ(Xθ − y).\n\n",
		"数据：x = 1 2 3 4 5，y = 2 4 5 4 5。模型：y ≈ 斜率·x + 截距，\n"+
			"损失 J = (1/2n)·Σ(y − 斜率·x − 截距)²，梯度 (1/n)·Xᵀ(Xθ − y)。\n\n")

	p("1. The textbook run: gradient descent from 0, raw x, rate %.2g, %d epochs\n",
		"1. 教程的做法：梯度下降从 0 出发，x 不做标准化，学习率 %.2g，迭代 %d 轮\n", t.LR, t.Epochs)
	p("     slope %.6f   intercept %.6f   → %s: it did NOT converge\n\n",
		"     斜率 %.6f   截距 %.6f   → %s：没有收敛\n\n", t.Slope, t.Intercept, t.Status)

	p("2. The exact answer (pivoted QR, no iterations)\n", "2. 精确解（列主元 QR 分解，无需迭代）\n")
	p("     slope %.6f   intercept %.6f\n", "     斜率 %.6f   截距 %.6f\n", o.Exact.Coef[0], o.Exact.Intercept)
	p("   gap: coefficients %.1f%% off, loss %.1f%% above the minimum, gradient norm %.2g\n\n",
		"   差距：系数偏差 %.1f%%，损失比最小值高 %.1f%%，梯度范数 %.2g\n\n",
		100*float64(t.Gap.CoefRel), 100*float64(t.Gap.ObjectiveRel), float64(t.Gap.GradNorm))

	p("3. Why: J is a quadratic whose Hessian XᵀX/n (intercept column included) has\n"+
		"   eigenvalues L = %.4g and μ = %.4g: condition number %.0f.\n",
		"3. 原因：J 是二次函数，其 Hessian 矩阵 XᵀX/n（含截距列）的特征值为\n"+
			"   L = %.4g 和 μ = %.4g，条件数 %.0f。\n", float64(t.L), float64(t.Mu), float64(t.Cond))
	p("   GD is stable only for rates below 2/L = %.3g; the rate %.2g is %.0f× smaller,\n",
		"   只有学习率低于 2/L = %.3g 时梯度下降才稳定，这个上限是学习率 %.2g 的 %.0f 倍；\n", float64(t.Bound), t.LR, float64(t.Bound)/t.LR)
	p("   and along the flat direction each step removes only a fraction ημ = %.5f of\n"+
		"   the error: after %d steps %.0f%% of it is left; 1e-6 would take %.0f steps.\n\n",
		"   沿最平坦的方向，每一步只能消去误差的 ημ = %.5f：\n"+
			"   %d 步之后误差还剩 %.0f%%，要降到 1e-6 需要 %.0f 步。\n\n",
		t.LR*float64(t.Mu), t.Epochs, 100*math.Pow(float64(t.Contract), float64(t.Epochs)), float64(t.StepsFor6))

	p("4. GD with the rate computed from the data, 1/L = %.4g (raw x)\n",
		"4. 梯度下降，学习率取由数据算出的 1/L = %.4g（x 不做标准化）\n", a.LR)
	p("     slope %.6f   intercept %.6f   → %s after %s (coefficients %.1g off)\n",
		"     斜率 %.6f   截距 %.6f   → %s，共迭代 %s（系数偏差 %.1g）\n",
		a.Slope, a.Intercept, a.Status, epochs(n, a.Epochs), float64(a.Gap.CoefRel))
	p("   still slow: the condition number %.0f sets the pace, not the rate.\n\n",
		"   仍然很慢：决定速度的是条件数 %.0f，而不是学习率。\n\n", float64(a.Cond))

	p("5. GD on standardised x (lsq's default): centring and scaling make the\n"+
		"   Hessian the identity (condition number %.3g), so the rate 1/L = %.3g\n"+
		"   lands on the minimum at once:\n",
		"5. 在标准化的 x 上做梯度下降（lsq 的默认做法）：中心化并缩放之后，Hessian\n"+
			"   矩阵变为单位矩阵（条件数 %.3g），学习率 1/L = %.3g 一步就落到最小值上：\n", float64(s.Cond), s.LR)
	p("     slope %.6f   intercept %.6f   → %s after %s (coefficients %.1g off)\n\n",
		"     斜率 %.6f   截距 %.6f   → %s，共迭代 %s（系数偏差 %.1g）\n\n",
		s.Slope, s.Intercept, s.Status, epochs(n, s.Epochs), float64(s.Gap.CoefRel))

	p("Try it on your data:\n", "在自己的数据上试试：\n")
	p("  lsq fit data.csv --target y                         exact (QR)\n",
		"  lsq fit data.csv --target y                         精确解（QR）\n")
	p("  lsq fit data.csv --solver gd                        GD, rate from the data, standardised\n",
		"  lsq fit data.csv --solver gd                        梯度下降，学习率由数据算出，输入做标准化\n")
	p("  lsq fit data.csv --solver gd --lr 0.01 --epochs 1000 --standardize=false   the textbook run\n",
		"  lsq fit data.csv --solver gd --lr 0.01 --epochs 1000 --standardize=false   教程的做法\n")
	n.written(o.Report, o.Plot)
}

// epochs is a count of epochs in the narrator's language: "1 epoch",
// "811 epochs", "811 轮".
func epochs(n narrator, k int) string {
	return n.pick(english.Count(k, "epoch"), strconv.Itoa(k)+" 轮")
}
