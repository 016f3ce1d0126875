package stats_test

import (
	"fmt"

	"github.com/lsqgo/lsq/linear"
	"github.com/lsqgo/lsq/stats"
	"gonum.org/v1/gonum/mat"
)

func ExampleSummarize() {
	x := mat.NewDense(5, 1, []float64{1, 2, 3, 4, 5})
	y := []float64{2, 4, 5, 4, 5}
	res, err := linear.Solve(x, y, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := stats.Summarize(res, x, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("            coef  std err      t  P>|t|   [0.025   0.975]")
	for i, name := range []string{"const", "x"} {
		t := s.Terms[i]
		fmt.Printf("%-6s %9.4f %8.4f %6.3f %6.3f %8.3f %8.3f\n", name, t.Coef, t.StdErr, t.T, t.P, t.Lower, t.Upper)
	}
	fmt.Printf("R² %.3f, adj. R² %.3f, F %.3f (p %.4f), σ̂ %.4f\n", s.R2, s.AdjR2, s.F, s.FPValue, s.ResidualSD)
	fmt.Printf("log-lik %.4f, AIC %.3f, BIC %.3f, n %d, df %d\n", s.LogLik, s.AIC, s.BIC, s.N, s.DF)
	// Output:
	//             coef  std err      t  P>|t|   [0.025   0.975]
	// const     2.2000   0.9381  2.345  0.101   -0.785    5.185
	// x         0.6000   0.2828  2.121  0.124   -0.300    1.500
	// R² 0.600, adj. R² 0.467, F 4.500 (p 0.1240), σ̂ 0.8944
	// log-lik -5.2598, AIC 14.520, BIC 13.738, n 5, df 3
}

func ExampleSummarize_robust() {
	x := mat.NewDense(8, 1, []float64{1, 2, 3, 4, 5, 6, 7, 8})
	y := []float64{1.2, 1.9, 3.2, 3.8, 5.5, 5.6, 7.9, 7.1}
	res, _ := linear.Solve(x, y, nil)
	// HC3 standard errors with normal (z) intervals, statsmodels' default
	// for a robust covariance. statsmodels 0.13.5 prints the same numbers
	// (OLS(...).fit(cov_type="HC3")).
	s, _ := stats.Summarize(res, x, nil, &stats.Settings{Cov: stats.HC3})
	for i, name := range []string{"const", "x"} {
		t := s.Terms[i]
		fmt.Printf("%-6s %.4f ± %.4f  z %.3f  p %.3g  [%.4f, %.4f]\n", name, t.Coef, t.StdErr, t.T, t.P, t.Lower, t.Upper)
	}
	// Output:
	// const  0.2286 ± 0.4104  z 0.557  p 0.578  [-0.5758, 1.0329]
	// x      0.9548 ± 0.1388  z 6.879  p 6.02e-12  [0.6827, 1.2268]
}

// Cluster-robust (CR1) and Newey–West standard errors with Student's t on
// the residual degrees of freedom, as R's
// coeftest(fit, vcovCL(fit, cluster = ~g)) and
// coeftest(fit, NeweyWest(fit, lag = 2, prewhite = FALSE)) and
// coeftest(fit, NeweyWest(fit)) print them (the last: se 0.034812370
// 0.007386752, p 0.0066028 1.0305e-14; its lag, from the data, is 0).
func ExampleSummarize_clusterHAC() {
	x := mat.NewDense(10, 1, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	y := []float64{1.2, 1.9, 3.4, 3.8, 5.3, 5.9, 7.4, 7.7, 9.6, 9.8}
	g := []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}
	res, err := linear.Solve(x, y, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, set := range []stats.Settings{
		{Cov: stats.Cluster, Clusters: g, Dist: stats.StudentT},
		{Cov: stats.HAC, Lags: 2, Dist: stats.StudentT},
		// R's NeweyWest(fit) defaults: lag from the data, prewhitened.
		{Cov: stats.HAC, Lags: stats.AutoLags, Prewhite: true, Dist: stats.StudentT},
	} {
		s, err := stats.Summarize(res, x, nil, &set)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-7s se %.6f %.6f  p %.4g %.4g\n", s.Type, s.Terms[0].StdErr, s.Terms[1].StdErr, s.Terms[0].P, s.Terms[1].P)
	}
	// Output:
	// cluster se 0.064283 0.013189  p 0.08428 1.061e-12
	// HAC     se 0.075000 0.015669  p 0.1297 4.2e-12
	// HAC     se 0.034812 0.007387  p 0.006603 1.03e-14
}
