package cli

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/spf13/cobra"
	"gonum.org/v1/plot"

	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/nls"
	"github.com/lsqgo/lsq/report"
)

func newDemoQ5Cmd(stdio IO) *cobra.Command {
	var opts visualFlags
	cmd := &cobra.Command{
		Use:   "q5",
		Short: "Question 5: least squares is a criterion, linear regression a model",
		Long: `q5 settles the tutorial's question 5 with fits: a quadratic fitted by linear
least squares (linear regression, nonlinear in x) beside an exponential curve
fitted by nonlinear least squares, on the same data; then one straight line
fitted by least squares and by the robust Huber and soft-L1 losses, on data
with an outlier: the same linear model under different criteria.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := langOf(cmd)
			if err != nil {
				return err
			}
			return runDemoQ5(cmd.Context(), opts, narrator{stdio.Out, lang}, stdio.Args)
		},
	}
	registerVisualFlags(cmd, &opts, "the data with each fitted curve")
	return cmd
}

// curvedData draws 25 points of y = 1.5·exp(0.7·x) + N(0, 0.3²), x evenly
// spaced on [0, 3], from a fixed seed.
func curvedData() (x, y []float64) {
	r := rand.New(rand.NewPCG(5, 1))
	for k := range 25 {
		xk := 3 * float64(k) / 24
		x = append(x, xk)
		y = append(y, 1.5*math.Exp(0.7*xk)+0.3*r.NormFloat64())
	}
	return x, y
}

// outlierData is 20 points of the noisy line y = 2 + 0.5·x + N(0, 0.5²)
// with the y of the point of largest x raised by 10: one gross error.
func outlierData() (x, y []float64, out int) {
	x, y = noisyLine(20, 6)
	for i := range x {
		if x[i] > x[out] {
			out = i
		}
	}
	y[out] += 10
	return x, y, out
}

type q5Fits struct {
	cx, cy     []float64
	poly       *linear.Result
	expo       *nls.Result
	lx, ly     []float64
	outlier    int
	line       *linear.Result // least squares
	robust     [2]*nls.Result // Huber, soft L1
	llLS, llHu float64        // Gaussian log-likelihood of the least-squares and Huber lines
}

func runDemoQ5(ctx context.Context, opts visualFlags, n narrator, args []string) error {
	if err := opts.check(); err != nil {
		return err
	}
	f, err := q5Compute(ctx)
	if err != nil {
		return err
	}
	if err := writeDemoQ5Visuals(opts, args, f); err != nil {
		return err
	}
	printDemoQ5(n, f)
	n.written(opts.Report, opts.Plot)
	return nil
}

// q5Compute makes the fits the demo shows.
func q5Compute(ctx context.Context) (*q5Fits, error) {
	f := &q5Fits{}
	var err error
	f.cx, f.cy = curvedData()
	if f.poly, err = linear.SolvePolynomial(f.cx, f.cy, 2, nil); err != nil {
		return nil, err
	}
	if f.expo, err = nls.Curve(ctx, "a*exp(b*x)", f.cy, map[string][]float64{"x": f.cx}, map[string]float64{"a": 1, "b": 1}, nil); err != nil {
		return nil, err
	}
	f.lx, f.ly, f.outlier = outlierData()
	if f.line, err = linear.Solve(column(f.lx), f.ly, nil); err != nil {
		return nil, err
	}
	for i, loss := range []nls.Loss{nls.Huber, nls.SoftL1} {
		f.robust[i], err = nls.Curve(ctx, "a + b*x", f.ly, map[string][]float64{"x": f.lx}, map[string]float64{"a": 0, "b": 0}, &nls.Settings{Loss: loss})
		if err != nil {
			return nil, err
		}
	}
	f.llLS = gaussLogLik(f.lx, f.ly, f.line.Intercept, f.line.Coef[0])
	f.llHu = gaussLogLik(f.lx, f.ly, f.robust[0].X[0], f.robust[0].X[1])
	return f, nil
}

// gaussLogLik is the Gaussian log-likelihood of the line a + b·x with the
// noise variance at its maximum-likelihood value RSS/n:
// −(n/2)·(ln(2π·RSS/n) + 1).
func gaussLogLik(x, y []float64, a, b float64) float64 {
	var rss float64
	for i := range x {
		r := y[i] - a - b*x[i]
		rss += r * r
	}
	n := float64(len(x))
	return -n / 2 * (math.Log(2*math.Pi*rss/n) + 1)
}

func printDemoQ5(n narrator, f *q5Fits) {
	p := n.say
	p("lsq demo q5: least squares and linear regression are different things\n\n",
		"lsq demo q5：最小二乘法与线性回归不是一回事\n\n")
	p("Least squares is a criterion: choose the parameters that minimise the sum\n"+
		"of squared residuals. Linear regression is a model: y is linear in its\n"+
		"parameters. Either can come without the other.\n\n",
		"最小二乘法是一种估计准则：选取使残差平方和最小的参数。线性回归是一种模型：\n"+
			"y 关于参数是线性的。两者都可以离开对方单独出现。\n\n")
	p("1. The same %d points, curving upward, fitted twice by least squares:\n",
		"1. 同一组 %d 个向上弯曲的点，用最小二乘拟合两次：\n", len(f.cx))
	c := f.poly
	p("   y = b0 + b1·x + b2·x²   b0 = %.4f, b1 = %.4f, b2 = %.4f   RSS %.4f\n",
		"   y = b0 + b1·x + b2·x²   b0 = %.4f，b1 = %.4f，b2 = %.4f   RSS %.4f\n", c.Intercept, c.Coef[0], c.Coef[1], c.RSS)
	p("     linear least squares (QR, no iterations, no starting values): the model\n"+
		"     is nonlinear in x but linear in b0, b1, b2, so it is linear regression.\n",
		"     线性最小二乘（QR 分解，无需迭代，无需初值）：模型关于 x 是非线性的，但关于\n"+
			"     b0、b1、b2 是线性的，所以它是线性回归。\n")
	e := f.expo
	p("   y = a·exp(b·x)           a = %.4f, b = %.4f                 RSS %.4f\n",
		"   y = a·exp(b·x)           a = %.4f，b = %.4f                 RSS %.4f\n", e.X[0], e.X[1], e.RSS)
	p("     nonlinear least squares (Levenberg–Marquardt, %d iterations from a = 1,\n"+
		"     b = 1): b enters nonlinearly, so no linear regression fits this model;\n"+
		"     the criterion is least squares all the same.\n\n",
		"     非线性最小二乘（Levenberg–Marquardt，从 a = 1、b = 1 出发迭代 %d 次）：\n"+
			"     参数 b 以非线性方式进入模型，任何线性回归都拟合不了它，但准则仍然是最小二乘。\n\n",
		e.Iterations)

	l, h, s := f.line, f.robust[0], f.robust[1]
	p("2. One straight line y = a + b·x, %d points of y = 2 + 0.5·x + noise, the\n"+
		"   one at x = %.2f raised by 10 (a gross error), fitted by three criteria:\n",
		"2. 同一个直线模型 y = a + b·x，数据为 y = 2 + 0.5·x 加噪声生成的 %d 个点，其中\n"+
			"   x = %.2f 处的点被抬高了 10（一个粗大误差），分别用三种准则拟合：\n", len(f.lx), f.lx[f.outlier])
	p("     least squares      a = %.4f   b = %.4f\n", "     最小二乘           a = %.4f   b = %.4f\n", l.Intercept, l.Coef[0])
	p("     Huber loss         a = %.4f   b = %.4f   (%d iterations)\n", "     Huber 损失         a = %.4f   b = %.4f   （%d 次迭代）\n", h.X[0], h.X[1], h.Iterations)
	p("     soft L1 loss       a = %.4f   b = %.4f   (%d iterations)\n", "     soft L1 损失       a = %.4f   b = %.4f   （%d 次迭代）\n", s.X[0], s.X[1], s.Iterations)
	p("   Squaring lets the one bad point pull the least-squares line; the robust\n"+
		"   losses grow only linearly in large residuals (iteratively reweighted\n"+
		"   least squares), and stay near the true a = 2, b = 0.5. All three are\n"+
		"   linear regression: the model is the same, the criterion is not.\n",
		"   残差一经平方，这一个坏点就能把最小二乘直线拉偏；稳健损失对大残差只按线性\n"+
			"   增长（用迭代重加权最小二乘求解），结果停在真值 a = 2、b = 0.5 附近。三者都是\n"+
			"   线性回归：模型相同，准则不同。\n")
	p("   Least squares is the maximum-likelihood estimate when the noise is\n"+
		"   Gaussian: no line has a higher Gaussian log-likelihood than the\n"+
		"   least-squares one (%.4f; the Huber line's is %.4f). When the noise is\n"+
		"   not Gaussian, as with this gross error, that optimality is gone, and a\n"+
		"   criterion that trusts large residuals less does better.\n\n",
		"   当噪声服从高斯分布时，最小二乘估计就是极大似然估计：没有哪条直线的高斯对数\n"+
			"   似然比最小二乘直线更高（最小二乘直线为 %.4f，Huber 直线为 %.4f）。\n"+
			"   噪声不服从高斯分布时（比如这里的粗大误差），这种最优性就不复存在，对大残差\n"+
			"   不那么信任的准则效果更好。\n\n", f.llLS, f.llHu)
	p("The tutorial's answer is wrong on both counts. Linear regression does not\n"+
		"\"usually mean nonlinear fitting\": it is linear in the parameters, which\n"+
		"covers polynomials (section 1). And least squares does not minimise a\n"+
		"different sum from linear regression: \"errors\" are the unobservable\n"+
		"deviations from the true line, residuals the observed deviations from the\n"+
		"fitted one, and least squares minimises the sum of squared residuals —\n"+
		"for linear and nonlinear models alike (section 1), while linear regression\n"+
		"may be fitted by other criteria (section 2).\n",
		"教程的回答在两点上都错了。线性回归并不“通常指非线性拟合”：它指模型关于参数是\n"+
			"线性的，多项式回归也包括在内（第 1 部分）。最小二乘法和线性回归也不是在最小化\n"+
			"两种不同的和：“误差”是观测值与真实直线之间不可观测的偏差，“残差”是观测值与\n"+
			"拟合直线之间可以算出的偏差；最小二乘法最小化的是残差平方和，对线性和非线性\n"+
			"模型都适用（第 1 部分），而线性回归也可以用其他准则来拟合（第 2 部分）。\n")
}

func writeDemoQ5Visuals(opts visualFlags, args []string, f *q5Fits) error {
	if !opts.wanted() {
		return nil
	}
	c, e := f.poly, f.expo
	curves, err := report.LinesPlot(f.cx, f.cy, []report.Curve{
		{Label: "quadratic, linear least squares", F: func(x float64) float64 { return c.Intercept + c.Coef[0]*x + c.Coef[1]*x*x }},
		{Label: "exponential, nonlinear least squares", F: func(x float64) float64 { return e.X[0] * math.Exp(e.X[1]*x) }, Dashed: true},
	}, "x", "y")
	if err != nil {
		return err
	}
	curves.Title.Text = "One criterion, two models"
	l, h, sl := f.line, f.robust[0], f.robust[1]
	lines, err := report.LinesPlot(f.lx, f.ly, []report.Curve{
		{Label: "least squares", F: func(x float64) float64 { return l.Intercept + l.Coef[0]*x }},
		{Label: "Huber loss", F: func(x float64) float64 { return h.X[0] + h.X[1]*x }},
		{Label: "soft L1 loss", F: func(x float64) float64 { return sl.X[0] + sl.X[1]*x }, Dashed: true},
		{Label: "true line 2 + 0.5·x", F: func(x float64) float64 { return 2 + 0.5*x }, Dashed: true},
	}, "x", "y")
	if err != nil {
		return err
	}
	lines.Title.Text = "One model, three criteria"
	return writeDemoVisuals(opts, demoPage{
		title: "lsq demo q5: least squares and linear regression",
		args:  args,
		figs: []demoFig{
			{title: "One criterion, two models; one model, three criteria", caption: fmt.Sprintf("Left: least squares fits a model linear in its parameters (a quadratic) and a nonlinear one (an exponential). Right: a straight line fitted by least squares and by the robust Huber and soft-L1 losses; the point at x = %.2f is a gross error.", f.lx[f.outlier]), cols: 2, panels: []*plot.Plot{curves, lines}},
		},
	})
}
