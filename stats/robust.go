package stats

import (
	"fmt"
	"math"

	"github.com/lsqgo/lsq/linear"
	"gonum.org/v1/gonum/mat"
)

// sandwich writes the robust covariance of kind (HC0–HC3, Cluster or HAC)
// into dst, divided by sc² (sc = 1, or linear.Result.SSScale when the sums
// of squares overflow). It returns the number of clusters for Cluster and
// the lag, bandwidth and prewhitening for HAC, and an error when the
// prewhitening of HAC fails (neweyWest).
//
// With ψᵢ and hᵢ the influence and leverage of row i (see influenceOf),
// n the observations and k = p the coefficients:
//
//	HC0      Σ ψᵢψᵢᵀ
//	HC1      n/(n − k) · HC0
//	HC2      Σ ψᵢψᵢᵀ/(1 − hᵢ)
//	HC3      Σ ψᵢψᵢᵀ/(1 − hᵢ)²
//	Cluster  G/(G − 1) · (n − 1)/(n − k) · Σ_g s_g s_gᵀ,  s_g = Σ_{i∈g} ψᵢ
//	HAC      Σ_{|l|≤L} (1 − |l|/(L+1)) Σ_i ψᵢψᵢ₋ₗᵀ, or its prewhitened form
//

// which are, in the usual notation, (X̃ᵀWX̃)⁻¹ M (X̃ᵀWX̃)⁻¹ with the meat
// M of White (1980), MacKinnon & White (1985), Liang & Zeger (1986) with
// Stata's small-sample factor (CR1), and Newey & West (1987).
func sandwich(dst *mat.SymDense, res *linear.Result, x *mat.Dense, weights []float64, set *Settings, sc float64) (clusters int, hac hacInfo, err error) {
	inf := influenceOf(res, x, weights, sc, set.Precision)
	psi := inf.psi
	switch set.Cov {
	case HC0, HC1, HC2, HC3:
		for _, i := range inf.rows {
			row := psi.RawRowView(i)
			f := 1.0
			switch set.Cov {
			case HC2:
				f = 1 / math.Sqrt(1-inf.h[i])
			case HC3:
				f = 1 / (1 - inf.h[i])
			}
			if f != 1 {
				for j := range row {
					row[j] *= f
				}
			}
		}
		outer(dst, psi, inf.rows)
		if set.Cov == HC1 {
			dst.ScaleSym(float64(res.N)/float64(res.DF), dst)
		}
	case Cluster:
		sums, ids := clusterSums(psi, inf.rows, set.Clusters)
		g := len(ids)
		clusters = g
		outer(dst, sums, ids)
		k := float64(res.N - res.DF)
		n := float64(res.N)
		dst.ScaleSym(float64(g)/float64(g-1)*(n-1)/(n-k), dst)
	case HAC:
		hac, err = neweyWest(dst, psi, inf.rows, res, x, weights, set)
	}
	return clusters, hac, err
}

// outer sets dst to Σ_{i∈rows} aᵢaᵢᵀ, aᵢ the rows of a.
func outer(dst *mat.SymDense, a *mat.Dense, rows []int) {
	_, p := a.Dims()
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			var s float64
			for _, r := range rows {
				row := a.RawRowView(r)
				s += row[i] * row[j]
			}
			dst.SetSym(i, j, s)
		}
	}
}

// clusterSums returns, per cluster in order of first appearance among
// rows, the sum of the rows of psi in it (as the rows of a G×p matrix) and
// the indices 0..G−1.
func clusterSums(psi *mat.Dense, rows []int, clusters []int) (*mat.Dense, []int) {
	_, p := psi.Dims()
	index := map[int]int{}
	var order []int
	for _, i := range rows {
		if _, ok := index[clusters[i]]; !ok {
			index[clusters[i]] = len(order)
			order = append(order, len(order))
		}
	}
	sums := mat.NewDense(max(len(order), 1), p, nil)
	for _, i := range rows {
		g := index[clusters[i]]
		dst := sums.RawRowView(g)
		for j, v := range psi.RawRowView(i) {
			dst[j] += v
		}
	}
	return sums, order
}

// checkRobust panics on settings the robust covariances cannot use.
func checkRobust(set *Settings, rows int) {
	if set.Cov == Cluster {
		if len(set.Clusters) != rows {
			panic(fmt.Sprintf("stats: %d cluster labels for %d rows", len(set.Clusters), rows))
		}
	} else if set.Clusters != nil {
		panic("stats: Clusters set for covariance " + set.Cov.String())
	}
	if (set.Lags < 0 && set.Lags != AutoLags) || (set.Lags != 0 && set.Cov != HAC) {
		panic(fmt.Sprintf("stats: Lags %d with covariance %v", set.Lags, set.Cov))
	}
	if set.Prewhite && set.Cov != HAC {
		panic("stats: Prewhite with covariance " + set.Cov.String())
	}
	if set.Precision < linear.Auto || set.Precision > linear.DoubleDouble || (set.Precision != linear.Auto && set.Cov == NonRobust) {
		panic(fmt.Sprintf("stats: Precision %v with covariance %v", set.Precision, set.Cov))
	}
}

// ClusterError reports a clustered covariance with fewer than two
// clusters, for which G/(G − 1) is undefined.
type ClusterError struct{ Clusters int }

func (e *ClusterError) Error() string {
	return fmt.Sprintf("stats: a clustered covariance needs at least 2 clusters, the data have %d", e.Clusters)
}

func countClusters(rows []int, clusters []int) int {
	seen := map[int]bool{}
	for _, i := range rows {
		seen[clusters[i]] = true
	}
	return len(seen)
}
