package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"gonum.org/v1/plot"

	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/optim"
	"github.com/lsqgo/lsq/report"
	"github.com/lsqgo/lsq/schedule"
)

func newDemoLRCmd(stdio IO) *cobra.Command {
	var opts visualFlags
	cmd := &cobra.Command{
		Use:   "lr",
		Short: "Question 2: choosing the learning rate (below, at and above 2/L; validation; decay)",
		Long: `lr runs gradient descent on the textbook's five points at rates below, at
and above 2/L (L the largest eigenvalue of the Hessian of the loss), where it
converges, oscillates for ever and diverges; chooses a rate on a validation
set; and compares decay schedules for stochastic gradient descent.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := langOf(cmd)
			if err != nil {
				return err
			}
			return runDemoLR(cmd.Context(), opts, narrator{stdio.Out, lang}, stdio.Args)
		},
	}
	registerVisualFlags(cmd, &opts, "the loss curves")
	return cmd
}

// lrRun is one constant-rate run on the textbook data.
type lrRun struct {
	factor float64 // rate as a multiple of 2/L
	lr     float64
	t      *demoTrial
	slopes []float64 // slope after epochs 1..4
}

// lrEpochs is the length of each constant-rate run: the textbook's 1000.
const lrEpochs = 1000

func runDemoLR(ctx context.Context, opts visualFlags, n narrator, args []string) error {
	if err := opts.check(); err != nil {
		return err
	}
	w, runs, err := lrRuns(ctx)
	if err != nil {
		return err
	}
	val, err := lrValidation(ctx)
	if err != nil {
		return err
	}
	dec, err := lrDecay(ctx)
	if err != nil {
		return err
	}
	if err := writeDemoLRVisuals(opts, args, w.Bound, runs, dec); err != nil {
		return err
	}
	printDemoLR(n, w, runs, val, dec)
	n.written(opts.Report, opts.Plot)
	return nil
}

// lrVal is the rate chosen on a validation split of a noisy line.
type lrVal struct {
	n, nVal int
	bound   float64
	trials  []lrTrial
	best    float64
	final   *demoTrial
}

// lrRuns runs gradient descent on the textbook data, raw x, from 0 for
// lrEpochs epochs at the textbook's rate 0.01, at 1/L, 0.9·2/L, 2/L and
// 1.1·2/L, with L computed by fit from the data.
func lrRuns(ctx context.Context) (*fit.Why, []*lrRun, error) {
	x := column(demoX)
	raw := fit.Settings{Solver: fit.GD, Raw: true, Optim: optim.Settings{LearningRate: 0.01, Epochs: lrEpochs}}
	base, err := demoFit(ctx, x, demoY, raw)
	if err != nil {
		return nil, nil, err
	}
	w := base.res.Why
	runs := []*lrRun{{lr: 0.01}, {lr: 1 / w.L}, {lr: 0.9 * w.Bound}, {lr: w.Bound}, {lr: 1.1 * w.Bound}}
	for _, r := range runs {
		s := raw
		s.Optim.LearningRate = r.lr
		r.factor = r.lr / w.Bound
		if r.t, err = demoFit(ctx, x, demoY, s); err != nil {
			return nil, nil, err
		}
		path, _ := demoPath(ctx, "", true, r.lr, 4) // diverging paths are wanted too
		r.slopes = path.Slope[1:]
	}
	return w, runs, nil
}

// lrValidation holds out every fourth of 100 points of a noisy line, tries a
// log grid of seven rates around 1/L for 100 epochs of gradient descent on
// raw x, and refits with the rate of lowest validation loss.
func lrValidation(ctx context.Context) (*lrVal, error) {
	xs, ys := noisyLine(100, 2)
	var tx, ty, vx, vy []float64
	for i := range xs {
		if i%4 == 3 {
			vx, vy = append(vx, xs[i]), append(vy, ys[i])
		} else {
			tx, ty = append(tx, xs[i]), append(ty, ys[i])
		}
	}
	s := fit.Settings{Solver: fit.GD, Raw: true, ValX: column(vx), ValY: vy, Optim: optim.Settings{Epochs: 100}}
	rates, err := rateGrid(ctx, column(tx), ty, s)
	if err != nil {
		return nil, err
	}
	v := &lrVal{n: len(tx), nVal: len(vx)}
	if v.best, v.trials, err = chooseRate(ctx, column(tx), ty, s, rates); err != nil {
		return nil, err
	}
	s.Optim.LearningRate = v.best
	if v.final, err = demoFit(ctx, column(tx), ty, s); err != nil {
		return nil, err
	}
	v.bound = v.final.res.Why.Bound
	return v, nil
}

// lrDecayRun is one stochastic run under a schedule.
type lrDecayRun struct {
	name string
	t    *demoTrial
}

// lrDecay runs SGD (mini-batches of 4, standardised inputs, rate 0.1, 100
// epochs, seed 1) on a noisy line under several schedules. With a constant
// rate the noise of the mini-batch gradients keeps the iterate in a cloud
// around the optimum whose size grows with the rate; decaying the rate
// shrinks the cloud.
func lrDecay(ctx context.Context) ([]lrDecayRun, error) {
	xs, ys := noisyLine(200, 3)
	runs := []lrDecayRun{
		{name: "constant"},
		{name: "step:every=25,gamma=0.1"},
		{name: "exponential:gamma=0.95"},
		{name: "invscaling:power=1"},
	}
	scheds := []schedule.Schedule{nil, schedule.Step{Every: 25, Gamma: 0.1}, schedule.Exponential{Gamma: 0.95}, schedule.InvScaling{Power: 1}}
	for i := range runs {
		s := fit.Settings{Solver: fit.SGD, Optim: optim.Settings{LearningRate: 0.1, BatchSize: 4, Epochs: 100, Seed: 1, Schedule: scheds[i]}}
		t, err := demoFit(ctx, column(xs), ys, s)
		if err != nil {
			return nil, err
		}
		runs[i].t = t
	}
	return runs, nil
}

func printDemoLR(n narrator, w *fit.Why, runs []*lrRun, v *lrVal, dec []lrDecayRun) {
	n.say("lsq demo lr: choosing the learning rate\n\n", "lsq demo lr：如何选择学习率\n\n")
	printLRRates(n, w, runs)
	printLRValidation(n, v)
	printLRDecay(n, dec)
}

// printLRRates is part 1: gradient descent at rates around 2/L.
func printLRRates(n narrator, w *fit.Why, runs []*lrRun) {
	p := n.say
	p("1. The textbook's data (x = 1..5, not standardised), gradient descent from 0,\n"+
		"   %d epochs at constant rates. The Hessian of the loss has largest eigenvalue\n"+
		"   L = %.4g: each step multiplies the error along its eigenvector by 1 − ηL,\n"+
		"   so GD is stable only for rates η below 2/L = %.4g.\n\n",
		"1. 教程的数据（x = 1..5，不做标准化），梯度下降从 0 出发，在几个固定的学习率下\n"+
			"   各迭代 %d 轮。损失函数的 Hessian 矩阵最大特征值为 L = %.4g：沿对应特征\n"+
			"   向量方向的误差每一步乘以 1 − ηL，因此学习率 η 必须低于 2/L = %.4g，\n"+
			"   梯度下降才稳定。\n\n",
		lrEpochs, w.L, w.Bound)
	p("   rate      η/(2/L)  1 − ηL   slope after epochs 1, 2, 3, 4          loss at epochs 10, 100, last  status\n",
		"   学习率    η/(2/L)  1 − ηL   第 1、2、3、4 轮后的斜率               第 10、100 轮及最后一轮的损失 状态\n")
	for _, r := range runs {
		st := r.t.res.Status.String()
		if r.t.diverged != nil {
			st = fmt.Sprintf(n.pick("%s (epoch %d)", "%s（第 %d 轮）"), st, r.t.diverged.Epoch)
		}
		p("   %-8.4g  %-7.3f  %-7.3f  %8.3g %8.3g %8.3g %8.3g    %-9.3g %-9.3g %-9.3g %s\n",
			"   %-8.4g  %-7.3f  %-7.3f  %8.3g %8.3g %8.3g %8.3g    %-9.3g %-9.3g %-9.3g %s\n",
			r.lr, r.factor, 1-r.lr*w.L, r.slopes[0], r.slopes[1], r.slopes[2], r.slopes[3],
			r.t.lossAt(10), r.t.lossAt(100), r.t.lossAt(len(r.t.its)), st)
	}
	opt := runs[0].t.res.ExactObjective
	p("   (the minimum of the loss is %.4g)\n\n", "   （损失的最小值为 %.4g）\n\n", opt)
	p("   Below 2/L gradient descent converges: smoothly while ηL < 1, zig-zagging\n"+
		"   (the slope overshoots and comes back) when 1 < ηL < 2. At 2/L the factor\n"+
		"   1 − ηL is −1: the zig-zag neither grows nor shrinks, and the loss never\n"+
		"   reaches its minimum. Above 2/L the zig-zag grows by |1 − ηL| per step: the\n"+
		"   fit diverges. A large rate does not \"converge fast but inaccurately\", as\n"+
		"   the tutorial says: beyond 2/L it does not converge at all.\n\n",
		"   学习率低于 2/L 时梯度下降收敛：ηL < 1 时平稳下降；1 < ηL < 2 时来回振荡\n"+
			"   （斜率冲过头再折回），但振幅逐步缩小。恰好等于 2/L 时 1 − ηL = −1，振荡既不\n"+
			"   放大也不衰减，损失始终到不了最小值。高于 2/L 时振幅每步放大 |1 − ηL| 倍，\n"+
			"   迭代发散。教程说学习率大了会“收敛快但不精确”，其实超过 2/L 根本不会收敛。\n\n")
}

// printLRValidation is part 2: choosing the rate on held-out rows.
func printLRValidation(n narrator, v *lrVal) {
	p := n.say
	p("2. Choosing the rate on a validation set: %d points of a noisy line for\n"+
		"   training, %d held out. Seven rates a factor √10 apart around 1/L, 100\n"+
		"   epochs each on raw x (2/L = %.4g here):\n",
		"2. 用验证集选择学习率：取一条带噪声直线上的点，%d 个用于训练，%d 个留作验证。\n"+
			"   在 1/L 附近取七个学习率，相邻两个相差 √10 倍，各在未标准化的 x 上迭代\n"+
			"   100 轮（这里 2/L = %.4g）：\n",
		v.n, v.nVal, v.bound)
	p("     rate        validation loss   status\n", "     学习率      验证集损失        状态\n")
	for _, t := range v.trials {
		mark := ""
		if t.LR == v.best {
			mark = n.pick("   ← chosen", "   ← 选中")
		}
		p("     %-10.4g  %-16.6g  %s%s\n", "     %-10.4g  %-16.6g  %s%s\n", t.LR, float64(t.ValLoss), t.Status, mark)
	}
	f := v.final.res
	p("   The chosen rate %.4g gives slope %.4f, intercept %.4f\n"+
		"   (%s; coefficients %.2g off the exact fit of the training rows:\n"+
		"   on raw x, 100 epochs are too few at any stable rate). The rates above\n"+
		"   2/L diverge and are rejected; among the others the validation loss here\n"+
		"   picks the largest stable one. lsq fit does this with --lr grid\n"+
		"   --val-frac 0.25, or a list: --lr 0.001,0.01,0.1.\n\n",
		"   选中的学习率 %.4g 得到斜率 %.4f、截距 %.4f（%s；\n"+
			"   系数与训练集上精确解的偏差为 %.2g：x 不做标准化时，任何稳定的学习率迭代\n"+
			"   100 轮都不够）。高于 2/L 的学习率全部发散，被排除在外；在其余学习率中，\n"+
			"   这里验证集损失最小的恰好是最大的稳定学习率。lsq fit 用 --lr grid --val-frac 0.25\n"+
			"   或候选列表 --lr 0.001,0.01,0.1 完成同样的选择。\n\n",
		v.best, f.Coef[0], f.Intercept, f.Status, f.Gap.CoefRel)
}

// printLRDecay is part 3: decay schedules for stochastic gradient descent.
func printLRDecay(n narrator, dec []lrDecayRun) {
	p := n.say
	p("3. Decay schedules for stochastic gradient descent: mini-batches of 4 rows\n"+
		"   from 200 points, standardised x, rate 0.1, 100 epochs, seed 1.\n",
		"3. 随机梯度下降的学习率衰减：共 200 个点，每个小批量 4 行，x 做标准化，\n"+
			"   学习率 0.1，迭代 100 轮，随机种子 1。\n")
	p("     schedule                   final rate   objective gap   coefficient gap\n",
		"     衰减策略                   最终学习率   目标函数差距    系数差距\n")
	for _, d := range dec {
		r := d.t.res
		p("     %-25s  %-11.3g  %-14.3g  %.3g\n", "     %-25s  %-11.3g  %-14.3g  %.3g\n",
			d.name, r.Optim.FinalLR, optim.ShownGap(r.Gap.ObjectiveRel), r.Gap.CoefRel)
	}
	p("   With a constant rate the noise of the mini-batch gradients keeps the\n"+
		"   iterate in a cloud around the optimum whose size grows with the rate;\n"+
		"   decaying the rate shrinks the cloud. (Full-batch GD needs no decay: its\n"+
		"   gradient vanishes at the optimum.) lsq fit: --schedule step:every=25,gamma=0.1,\n"+
		"   exponential:gamma=0.95, invscaling:power=1, cosine:period=100.\n",
		"   学习率固定时，小批量梯度的噪声让迭代点在最优解周围的一团区域里打转，学习率\n"+
			"   越大，这团区域越大；让学习率衰减，区域随之缩小。（全批量梯度下降不需要衰减：\n"+
			"   在最优解处梯度本身就是零。）对应的 lsq fit 选项：\n"+
			"   --schedule step:every=25,gamma=0.1、exponential:gamma=0.95、invscaling:power=1、\n"+
			"   cosine:period=100。\n")
}

func writeDemoLRVisuals(opts visualFlags, args []string, bound float64, runs []*lrRun, dec []lrDecayRun) error {
	if !opts.wanted() {
		return nil
	}
	var rates, sched []*plot.Plot
	for _, r := range runs {
		if lp, err := report.LossPlot(r.t.its, r.t.res.ExactObjective); err == nil {
			lp.Title.Text = fmt.Sprintf("GD at rate %.4g = %.3g × 2/L", r.lr, r.lr/bound)
			rates = append(rates, lp)
		}
	}
	for _, d := range dec {
		if gp, err := report.GapPlot(d.t.its, d.t.res.ExactObjective); err == nil {
			gp.Title.Text = "SGD, schedule " + d.name
			sched = append(sched, gp)
		}
	}
	return writeDemoVisuals(opts, demoPage{
		title: "lsq demo lr: choosing the learning rate",
		args:  args,
		figs: []demoFig{
			{title: "Loss per epoch at rates below, at and above 2/L", caption: "The textbook data, raw x, 1000 epochs of gradient descent from 0; the dashed line is the exact minimum. A diverged run ends where lsq stopped it.", cols: 2, panels: rates},
			{title: "SGD under decay schedules", caption: "Gap to the optimum per epoch: a constant rate stalls at the noise level, decay goes below it.", cols: 2, panels: sched},
		},
	})
}
