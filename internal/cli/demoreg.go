package cli

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/lsqgo/lsq/enet"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/report"
)

func newDemoRegularizationCmd(stdio IO) *cobra.Command {
	var opts visualFlags
	cmd := &cobra.Command{
		Use:     "regularization",
		Aliases: []string{"regularisation", "reg"},
		Short:   "Question 4: L1's exact zeros, L2's shrinkage, elastic net, and the unpenalised intercept",
		Long: `regularization fits one data set (five features, two of them irrelevant, two
strongly correlated) by least squares, ridge (L2), lasso (L1) and the elastic
net, shows that L1 by coordinate descent gives exact zeros where L1 by
subgradient descent (the tutorial's way) does not, and shows by shifting y why
the intercept is never penalised.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := langOf(cmd)
			if err != nil {
				return err
			}
			return runDemoReg(cmd.Context(), opts, narrator{stdio.Out, lang}, stdio.Args)
		},
	}
	registerVisualFlags(cmd, &opts, "the lasso and ridge paths")
	return cmd
}

// regData draws the regularisation demo's data from a fixed seed: 60 rows,
// y = 3 + 2·x1 + 1·x2 + 0.5·x3 + N(0, 1), x1..x5 standard normal except
// x2 = x1 + N(0, 0.3²) (correlated with x1); x4 and x5 are irrelevant.
func regData() (*mat.Dense, []float64, []string) {
	const n, p = 60, 5
	r := rand.New(rand.NewPCG(4, 1))
	x := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	for i := range n {
		for j := range p {
			x.Set(i, j, r.NormFloat64())
		}
		x.Set(i, 1, x.At(i, 0)+0.3*r.NormFloat64())
		y[i] = 3 + 2*x.At(i, 0) + x.At(i, 1) + 0.5*x.At(i, 2) + r.NormFloat64()
	}
	return x, y, []string{"x1", "x2", "x3", "x4", "x5"}
}

// Penalty strengths of the demo, on standardised coefficients (glmnet's
// scale): large enough for the lasso to drop the irrelevant features.
const (
	regAlpha   = 0.2
	regL1Ratio = 0.5
	regShift   = 100 // added to y in the intercept experiment
)

type regFits struct {
	names  []string
	labels []string
	coefs  [][]float64 // per fit, per feature
	interc []float64
	gdL1   *demoTrial        // lasso by subgradient GD
	shift  [2][2]*fit.Result // [intercept penalised?][shifted?] on the textbook data
	paths  [2]*enet.PathResult
}

func runDemoReg(ctx context.Context, opts visualFlags, n narrator, args []string) error {
	if err := opts.check(); err != nil {
		return err
	}
	x, y, names := regData()
	rf, err := regCompute(ctx, x, y, names)
	if err != nil {
		return err
	}
	if opts.wanted() {
		// The lasso's default grid runs down from α_max; ridge has no α_max
		// (no α makes every coefficient zero), so its grid is fixed: 60
		// values from 100 down to 0.001, through the demo's α.
		ridge := &enet.PathSettings{}
		for k := range 60 {
			ridge.Alphas = append(ridge.Alphas, 100*math.Pow(1e-5, float64(k)/59))
		}
		for i, rho := range []float64{1, 0} {
			ps := []*enet.PathSettings{nil, ridge}[i]
			if rf.paths[i], err = enet.Path(ctx, x, y, rho, ps); err != nil {
				return err
			}
		}
		if err := writeDemoRegVisuals(opts, args, rf); err != nil {
			return err
		}
	}
	printDemoReg(n, rf)
	n.written(opts.Report, opts.Plot)
	return nil
}

// regCompute makes the fits the demo shows, without the paths.
func regCompute(ctx context.Context, x *mat.Dense, y []float64, names []string) (*regFits, error) {
	rf := &regFits{names: names, labels: []string{"least squares", "ridge (L2)", "lasso (L1)", "elastic net"}}
	settings := []fit.Settings{
		{},
		{Penalty: penalty.L2{Alpha: regAlpha}},
		{Solver: fit.CD, Penalty: penalty.L1{Alpha: regAlpha}},
		{Solver: fit.CD, Penalty: penalty.ElasticNet{Alpha: regAlpha, L1Ratio: regL1Ratio}},
	}
	for _, s := range settings {
		t, err := demoFit(ctx, x, y, s)
		if err != nil {
			return nil, err
		}
		rf.coefs = append(rf.coefs, t.res.Coef)
		rf.interc = append(rf.interc, t.res.Intercept)
	}
	var err error
	rf.gdL1, err = demoFit(ctx, x, y, fit.Settings{Solver: fit.GD, Penalty: penalty.L1{Alpha: regAlpha}, Optim: optim.Settings{Epochs: 1000}})
	if err != nil {
		return nil, err
	}
	return rf, regShiftFits(ctx, rf)
}

// regShiftFits fits ridge (α = 1, raw x) to the textbook data and to the
// same data with y shifted by regShift, once with the intercept outside the
// penalty (lsq's objective) and once with it penalised like a coefficient
// (a column of ones in the design and no separate intercept: the
// tutorial's code).
func regShiftFits(ctx context.Context, rf *regFits) error {
	ones := mat.NewDense(len(demoX), 2, nil)
	for i, v := range demoX {
		ones.Set(i, 0, v)
		ones.Set(i, 1, 1)
	}
	for k := range 2 {
		y := append([]float64(nil), demoY...)
		for i := range y {
			y[i] += float64(k) * regShift
		}
		s := fit.Settings{Raw: true, Penalty: penalty.L2{Alpha: 1}}
		res, err := fit.Matrix(ctx, column(demoX), y, &s)
		if err != nil {
			return err
		}
		rf.shift[0][k] = res
		s.NoIntercept = true
		if res, err = fit.Matrix(ctx, ones, y, &s); err != nil {
			return err
		}
		res.Intercept = res.Coef[1]
		rf.shift[1][k] = res
	}
	return nil
}

// coefText prints a coefficient, marking exact zeros.
func coefText(n narrator, v float64) string {
	if v == 0 {
		return n.pick("0 (exact)", "0（恰为零）")
	}
	return fmt.Sprintf("%.4f", v)
}

func printDemoReg(n narrator, rf *regFits) {
	n.say("lsq demo regularization: L1, L2, elastic net, and the intercept\n\n",
		"lsq demo regularization：L1、L2、弹性网络与截距\n\n")
	printRegPenalties(n, rf)
	printRegIntercept(n, rf)
}

// printRegPenalties is parts 1 and 2: the penalties side by side, and the
// subgradient descent of the tutorial.
func printRegPenalties(n narrator, rf *regFits) {
	p := n.say
	p("1. 60 rows, y = 3 + 2·x1 + 1·x2 + 0.5·x3 + noise; x2 is x1 plus a little noise\n"+
		"   (correlated), x4 and x5 are irrelevant. Penalty α = %.2g on standardised\n"+
		"   coefficients, elastic net mixing ρ = %.2g; objective\n"+
		"   (1/2n)‖y − b − Xβ‖² + α(ρ‖β‖₁ + (1 − ρ)/2·‖β‖²), intercept b not penalised.\n\n",
		"1. 数据共 60 行，y = 3 + 2·x1 + 1·x2 + 0.5·x3 + 噪声；x2 等于 x1 加少量噪声（两者\n"+
			"   高度相关），x4、x5 与 y 无关。惩罚强度 α = %.2g（作用于标准化后的系数），\n"+
			"   弹性网络的混合比例 ρ = %.2g；目标函数为\n"+
			"   (1/2n)‖y − b − Xβ‖² + α(ρ‖β‖₁ + (1 − ρ)/2·‖β‖²)，截距 b 不受惩罚。\n\n",
		regAlpha, regL1Ratio)
	labelsZH := []string{"最小二乘", "岭回归（L2）", "Lasso（L1）", "弹性网络"}
	var cells []string
	for i, l := range rf.labels {
		cells = append(cells, n.pick(l, labelsZH[i]))
	}
	tableRow(n, "", cells)
	for j, name := range rf.names {
		cells = cells[:0]
		for i := range rf.coefs {
			cells = append(cells, coefText(n, rf.coefs[i][j]))
		}
		tableRow(n, name, cells)
	}
	cells = cells[:0]
	for i := range rf.interc {
		cells = append(cells, coefText(n, rf.interc[i]))
	}
	tableRow(n, n.pick("intercept", "截距"), cells)
	cells = cells[:0]
	for i := range rf.coefs {
		cells = append(cells, fmt.Sprintf("%.4f", floats.Norm(rf.coefs[i], 1)))
	}
	tableRow(n, "‖β‖₁", cells)
	fmt.Fprintln(n.w)
	p("   L2 shrinks the coefficients as a whole (their size ‖β‖ falls) but sets\n"+
		"   none of them to zero; L1 sets the irrelevant ones to exactly zero (the\n"+
		"   proximal step of coordinate descent, soft thresholding, lands on zero);\n"+
		"   the elastic net, a mixture of both, keeps fewer zeros than the lasso.\n"+
		"   Shrinkage is of the whole vector: a single coefficient, such as one of a\n"+
		"   correlated pair, may even grow.\n\n",
		"   L2 让系数整体收缩（‖β‖ 变小），但不会把任何一个系数压到零；L1 把无关特征的\n"+
			"   系数恰好置为零（坐标下降的近端步骤，即软阈值操作，会正好落在零上）；弹性\n"+
			"   网络是两者的混合，恰为零的系数比 Lasso 少。收缩针对的是整个系数向量：个别\n"+
			"   系数（比如一对相关特征中的一个）甚至可能变大。\n\n")
	g := rf.gdL1.res
	p("2. The tutorial adds α·sign(β) to the gradient (subgradient descent). lsq fit\n"+
		"   --solver gd --penalty l1 does the same, 1000 epochs: x4 = %.3g, x5 = %.3g,\n"+
		"   small but never exactly zero (objective gap %.2g). Exact zeros need the\n"+
		"   proximal step: --solver cd, fista, or --proximal.\n\n",
		"2. 教程的做法是在梯度上加 α·sign(β)（次梯度下降）。lsq fit --solver gd\n"+
			"   --penalty l1 也这样做，迭代 1000 轮后 x4 = %.3g，x5 = %.3g，很小，但永远不会\n"+
			"   恰好为零（目标函数差距 %.2g）。要得到恰好为零的系数，需要近端步骤：\n"+
			"   --solver cd、fista 或 --proximal。\n\n",
		g.Coef[3], g.Coef[4], optim.ShownGap(g.Gap.ObjectiveRel))
}

// printRegIntercept is part 3: why the intercept is not penalised.
func printRegIntercept(n narrator, rf *regFits) {
	p := n.say
	p("3. Why the intercept is not penalised: ridge (α = 1, raw x) on the textbook\n"+
		"   data, then on the same data with %d added to every y.\n",
		"3. 为什么不惩罚截距：在教程数据上做岭回归（α = 1，x 不标准化），然后把每个\n"+
			"   y 都加上 %d，重新拟合一次。\n", regShift)
	p("                             slope      intercept   | y + %d: slope   intercept\n",
		"                             斜率       截距        | y + %d：斜率    截距\n", regShift)
	rows := [][2]string{{"intercept not penalised", "截距不受惩罚"}, {"intercept penalised", "截距也受惩罚"}}
	for i, r := range rf.shift {
		fmt.Fprint(n.w, "     "+pad(n.pick(rows[i][0], rows[i][1]), 24))
		fmt.Fprintf(n.w, "%-10.4f %-11.4f | %14.4f   %.4f\n", r[0].Coef[0], r[0].Intercept, r[1].Coef[0], r[1].Intercept)
	}
	free, pen := rf.shift[0], rf.shift[1]
	p("\n   Without a penalty on it the intercept moves by exactly %.4f and the slope\n"+
		"   stays %.4f: the fit does not depend on where zero is on the y axis.\n"+
		"   Penalised (the tutorial's code), the intercept moves by only %.4f and the\n"+
		"   slope changes from %.4f to %.4f: measuring y in other units, or\n"+
		"   from another origin, changes the answer. The penalty is there to keep\n"+
		"   the coefficients small, not to pull the mean of y toward zero.\n",
		"\n   不惩罚截距时，截距恰好移动 %.4f，斜率保持 %.4f 不变：拟合结果与\n"+
			"   y 轴零点的位置无关。截距也受惩罚时（即教程代码的做法），截距只移动了 %.4f，\n"+
			"   斜率从 %.4f 变成 %.4f：换一个单位或换一个原点来度量 y，答案就变了。\n"+
			"   惩罚项的作用是让系数保持较小，而不是把 y 的均值往零拉。\n",
		free[1].Intercept-free[0].Intercept, free[1].Coef[0],
		pen[1].Intercept-pen[0].Intercept, pen[0].Coef[0], pen[1].Coef[0])
}

func writeDemoRegVisuals(opts visualFlags, args []string, rf *regFits) error {
	var panels []*plot.Plot
	for i, title := range []string{"Lasso path (L1): coefficients reach exactly zero", "Ridge path (L2): coefficients shrink, none reach zero"} {
		pr := rf.paths[i]
		path := report.Path{Features: rf.names, Chosen: regAlpha}
		for _, pt := range pr.Points {
			path.Alphas = append(path.Alphas, pt.Alpha)
			path.Coef = append(path.Coef, pt.Coef)
		}
		pp, err := report.PathPlot(path)
		if err != nil {
			return err
		}
		pp.Title.Text = title
		panels = append(panels, pp)
	}
	shift, err := regShiftPlots(rf)
	if err != nil {
		return err
	}
	return writeDemoVisuals(opts, demoPage{
		title: "lsq demo regularization: L1, L2, elastic net, and the intercept",
		args:  args,
		settings: []report.KV{
			kv("data", "60 rows, y = 3 + 2·x1 + 1·x2 + 0.5·x3 + N(0, 1), x2 = x1 + N(0, 0.3²)"),
			kv("penalty", "α = %.2g on standardised coefficients (dashed line), elastic net ρ = %.2g", regAlpha, regL1Ratio),
		},
		figs: []demoFig{
			{title: "The path picture", caption: "Coefficients against α (decreasing to the right). L1's enter one by one from exact zero; L2's are non-zero at every α and shrink smoothly toward zero as α grows.", cols: 2, panels: panels},
			{title: "Why the intercept is not penalised", caption: fmt.Sprintf("Ridge (α = 1, raw x) on the textbook data and on the same data shifted up by %d. Left, lsq's objective: the two lines are parallel, each through its data. Right, the intercept penalised as in the tutorial: the shifted fit tilts to make up for the intercept it is not allowed.", regShift), cols: 2, panels: shift},
		},
	})
}

// tableRow prints a row of the coefficient table: a label and cells in
// columns of 16, without trailing spaces.
func tableRow(n narrator, label string, cells []string) {
	line := "   " + pad(label, 10)
	for _, c := range cells {
		line += pad(c, 16)
	}
	fmt.Fprintln(n.w, strings.TrimRight(line, " "))
}

// regShiftPlots draws the shift experiment: the textbook data and the data
// shifted by regShift, with the ridge line of each, for the intercept free
// and penalised.
func regShiftPlots(rf *regFits) ([]*plot.Plot, error) {
	var xs, ys []float64
	for k := range 2 {
		for i := range demoX {
			xs, ys = append(xs, demoX[i]), append(ys, demoY[i]+float64(k*regShift))
		}
	}
	var out []*plot.Plot
	for i, title := range []string{"Intercept not penalised (lsq)", "Intercept penalised (the tutorial)"} {
		var curves []report.Curve
		for k, r := range rf.shift[i] {
			m, b := r.Coef[0], r.Intercept
			curves = append(curves, report.Curve{Label: fmt.Sprintf("y + %d: %.4g·x + %.4g", k*regShift, m, b), Dashed: k == 1,
				F: func(v float64) float64 { return b + m*v }})
		}
		p, err := report.LinesPlot(xs, ys, curves, "x", "y")
		if err != nil {
			return nil, err
		}
		p.Title.Text = title
		out = append(out, p)
	}
	return out, nil
}
