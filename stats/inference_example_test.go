package stats_test

import (
	"fmt"

	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/stats"
	"gonum.org/v1/gonum/mat"
)

func ExamplePredictive_Interval() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, _ := linear.Solve(x, y, nil)
	p, _ := stats.NewPredictive(res)
	// At x₀ = 6; the gradient of b + βx₀ in (b, β) is (1, x₀). R:
	// predict(lm(y ~ x), data.frame(x = 6), interval = "confidence") and
	// "prediction" print the same numbers.
	fit := res.Intercept + res.Coef[0]*6
	for _, kind := range []stats.IntervalKind{stats.Confidence, stats.Prediction} {
		lo, hi := p.Interval(kind, fit, []float64{1, 6}, 0.95, 1)
		fmt.Printf("%-10s fit %.4f  [%.4f, %.4f]\n", kind, fit, lo, hi)
	}
	// Output:
	// confidence fit 5.8000  [2.8146, 8.7854]
	// prediction fit 5.8000  [1.6751, 9.9249]
}

func ExampleNewInfluence() {
	x := mat.NewDense(6, 1, []float64{1, 2, 3, 4, 5, 12})
	y := []float64{1.1, 1.9, 3.2, 3.9, 5.1, 9}
	res, _ := linear.Solve(x, y, nil)
	inf, _ := stats.NewInfluence(res, x, nil)
	flags := inf.Flags()
	// R: summary(influence.measures(lm(y ~ x))) flags row 6 by dfb,
	// dffit and cook.d (hat 0.89 is below 3k/n = 1).
	fmt.Println("row    hat  rstudent  cook.d  flags")
	for i := range y {
		fmt.Printf("%3d  %.3f  %8.3f  %6.3f", i+1, inf.Hat[i], inf.Studentized[i], inf.Cook[i])
		if flags[i] != 0 {
			fmt.Printf("  %s", flags[i])
		}
		fmt.Println()
	}
	// Output:
	// row    hat  rstudent  cook.d  flags
	//   1  0.325    -1.128   0.287
	//   2  0.247    -0.783   0.111
	//   3  0.196     0.435   0.029
	//   4  0.170     0.416   0.022
	//   5  0.170     2.018   0.236
	//   6  0.892    -6.435  15.479  dfb,dffit,cook.d
}

func ExampleTestResiduals() {
	x := mat.NewDense(10, 1, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	y := []float64{1.2, 1.8, 3.3, 3.9, 5.2, 5.7, 7.4, 7.9, 9.3, 9.8}
	res, _ := linear.Solve(x, y, nil)
	t := stats.TestResiduals(res, x, nil)
	// lmtest: dwtest gives DW = 3.535, bptest BP = 0.5541 on 1 df
	// (p 0.4566).
	fmt.Printf("Omnibus %.3f (p %.3f)  Skew %.3f  Kurtosis %.3f\n", t.Omnibus, t.OmnibusP, t.Skew, t.Kurtosis)
	fmt.Printf("Jarque-Bera %.3f (p %.3f)  Durbin-Watson %.3f\n", t.JarqueBera, t.JarqueBeraP, t.DurbinWatson)
	fmt.Printf("Breusch-Pagan %.3f on %d df (p %.3f)\n", t.BreuschPagan, t.BreuschPaganDF, t.BreuschPaganP)
	// Output:
	// Omnibus 3.175 (p 0.204)  Skew 0.039  Kurtosis 1.460
	// Jarque-Bera 0.990 (p 0.609)  Durbin-Watson 3.535
	// Breusch-Pagan 0.554 on 1 df (p 0.457)
}

func ExampleNested() {
	// mpg ~ wt against mpg ~ wt + hp on the first eight rows of mtcars.
	wt := []float64{2.62, 2.875, 2.32, 3.215, 3.44, 3.46, 3.57, 3.19}
	hp := []float64{110, 110, 93, 110, 175, 105, 245, 62}
	mpg := []float64{21, 21, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4}
	small := mat.NewDense(8, 1, wt)
	big := mat.NewDense(8, 2, nil)
	for i := range wt {
		big.Set(i, 0, wt[i])
		big.Set(i, 1, hp[i])
	}
	f1, _ := linear.Solve(small, mpg, nil)
	f2, _ := linear.Solve(big, mpg, nil)
	rows, _ := stats.Nested([]*linear.Result{f1, f2})
	// R: anova(lm(mpg ~ wt), lm(mpg ~ wt + hp)) prints the same numbers.
	fmt.Println("Model Res.Df     RSS  Df  Sum of Sq       F  Pr(>F)")
	for k, r := range rows {
		if k == 0 {
			fmt.Printf("%5d %6d %7.4f\n", k+1, r.ResDF, r.RSS)
			continue
		}
		fmt.Printf("%5d %6d %7.4f %3.0f %10.4f %7.4f %7.4f\n", k+1, r.ResDF, r.RSS, r.DF, r.SS, r.F, r.P)
	}
	// Output:
	// Model Res.Df     RSS  Df  Sum of Sq       F  Pr(>F)
	//     1      6 41.4126
	//     2      5 10.7145   1    30.6981 14.3254  0.0128
}

func ExampleSequential() {
	wt := []float64{2.62, 2.875, 2.32, 3.215, 3.44, 3.46, 3.57, 3.19}
	hp := []float64{110, 110, 93, 110, 175, 105, 245, 62}
	mpg := []float64{21, 21, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4}
	x := mat.NewDense(8, 2, nil)
	for i := range wt {
		x.Set(i, 0, wt[i])
		x.Set(i, 1, hp[i])
	}
	rows, _ := stats.Sequential(x, mpg, nil)
	names := []string{"wt", "hp"}
	// R: anova(lm(mpg ~ wt + hp)) prints the same numbers.
	fmt.Println("Term      Df  Sum Sq  Mean Sq  F value  Pr(>F)")
	for _, r := range rows {
		name := "Residuals"
		if r.Term >= 0 {
			name = names[r.Term]
			fmt.Printf("%-9s %2d %7.3f %8.3f %8.3f %7.4f\n", name, r.DF, r.SS, r.MeanSq, r.F, r.P)
			continue
		}
		fmt.Printf("%-9s %2d %7.3f %8.3f\n", name, r.DF, r.SS, r.MeanSq)
	}
	// Output:
	// Term      Df  Sum Sq  Mean Sq  F value  Pr(>F)
	// wt         1  27.176   27.176   12.682  0.0162
	// hp         1  30.698   30.698   14.325  0.0128
	// Residuals  5  10.715    2.143
}

func ExampleSequentialTerms() {
	// mpg ~ wt + factor(cyl) on the first 12 rows of mtcars: the two
	// dummies of cyl (6 and 8 against 4) are one term of 2 Df.
	wt := []float64{2.62, 2.875, 2.32, 3.215, 3.44, 3.46, 3.57, 3.19, 3.15, 3.44, 3.44, 4.07}
	cyl := []float64{6, 6, 4, 6, 8, 6, 8, 4, 4, 6, 6, 8}
	mpg := []float64{21, 21, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4}
	x := mat.NewDense(12, 3, nil)
	for i := range wt {
		x.SetRow(i, []float64{wt[i], b2f(cyl[i] == 6), b2f(cyl[i] == 8)})
	}
	rows, _ := stats.SequentialTerms(x, mpg, []int{0, 1, 1}, nil)
	names := []string{"wt", "factor(cyl)"}
	// R: anova(lm(mpg ~ wt + factor(cyl), mtcars[1:12, ])) prints the same numbers.
	fmt.Println("Term        Df  Sum Sq  Mean Sq  F value  Pr(>F)")
	for _, r := range rows {
		if r.Term < 0 {
			fmt.Printf("%-11s %2d %7.3f %8.3f\n", "Residuals", r.DF, r.SS, r.MeanSq)
			continue
		}
		fmt.Printf("%-11s %2d %7.3f %8.3f %8.3f %7.5f\n", names[r.Term], r.DF, r.SS, r.MeanSq, r.F, r.P)
	}
	// Output:
	// Term        Df  Sum Sq  Mean Sq  F value  Pr(>F)
	// wt           1  44.715   44.715   16.931 0.00337
	// factor(cyl)  2  29.019   14.510    5.494 0.03151
	// Residuals    8  21.128    2.641
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func ExampleSummary_InfoCriteria() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, _ := linear.Solve(x, y, nil)
	s, _ := stats.Summarize(res, x, nil, nil)
	for _, c := range []stats.IC{stats.ICStatsmodels, stats.ICR} {
		aic, bic := s.InfoCriteria(c)
		fmt.Printf("%-11s AIC %.4f  BIC %.4f\n", c, aic, bic)
	}
	// R: AIC(lm(y ~ x)) is 16.5196 and BIC 15.3479.
	// Output:
	// statsmodels AIC 14.5196  BIC 13.7384
	// r           AIC 16.5196  BIC 15.3479
}
