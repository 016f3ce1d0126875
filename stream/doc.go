// Package stream fits linear least-squares models to data that does not fit
// in memory, in one pass, with accumulators that can be merged.
//
// Two accumulators are provided.
//
// QR holds the upper-triangular factor R of the weighted, augmented design
//
//	Z = diag(√w)·[1 X y]        (the column of ones only when there is an intercept)
//
// so that ZᵀZ = RᵀR. Rows are folded into R a block at a time by Householder
// reflections that act only on R and the new block (the structured update of
// the "tall-skinny QR", Golub & Van Loan, Matrix Computations, 4th ed., §5.2.2
// and §12.5; Demmel, Grigori, Hoemmen and Langou, "Communication-optimal
// parallel and sequential QR and LU factorizations", SIAM J. Sci. Comput.
// 34(1), 2012). Two accumulators merge by folding the rows of one R factor
// into the other, which is the TSQR reduction tree. The memory held is
// O(p²) for p = d+2 columns, whatever the number of rows.
//
// Everything the linear fit and its summary need is read off R:
//
//   - the coefficients solve R₁₁β = R₁,ₚ (the leading k×k block and the first
//     k entries of the last column, k = d or d+1);
//   - the weighted residual sum of squares is R²ₚₚ;
//   - Σw·y² is the squared norm of R's last column, and, because the column
//     of ones comes first, the weighted total sum of squares about the
//     weighted mean, Σw(y−ȳ)², is that norm less its first entry squared,
//     which gives the centred R² without forming Σy² − (Σy)²/n;
//   - the weighted means and centred column norms of X come the same way,
//     so no column sums need to be carried separately;
//   - (ZᵀZ)⁻¹ = R⁻¹R⁻ᵀ gives the standard errors.
//
// The intercept is handled by an explicit column of ones, not by centring:
// the column of ones costs one column of work and needs no mean that is only
// known at the end of the pass, and the Householder update is backward stable
// for any row order and any merge tree. Because the columns are not centred or
// scaled, the accuracy is that of unpivoted Householder QR on the raw design:
// the relative error of the coefficients is about u·κ(Z), u the unit roundoff
// of the arithmetic.
//
// Ridge regression minimises (1/2W)Σwᵢ(yᵢ−xᵢᵀβ−b)² + (α/2)‖β‖², W = Σw (the
// number of rows when there are no weights), the scaling of scikit-learn and
// glmnet. Multiplying by 2W shows it is least squares on Z with the rows
// √(Wα)·eⱼᵀ appended for each feature column j, with zero response and no
// intercept entry, so the intercept is not penalised. Those rows are folded
// into a copy of R when the solution is asked for.
//
// Grad accumulates, for fixed parameters, the sums a full-batch gradient step
// needs (Σwr·z, Σwr, Σwr², Σw and the row counts). Parameters are on the standardised scale
// zⱼ = (xⱼ−μⱼ)/sⱼ, so r = Σⱼβⱼzⱼ + b − y = Xβ' + b' − y with β'ⱼ = βⱼ/sⱼ and
// b' = b − Σⱼμⱼβⱼ/sⱼ.
//
// Both accumulators merge: Merge is associative and commutative up to
// rounding, and their binary form (MarshalBinary) carries everything a Merge
// needs, so they can be shipped between workers of a distributed runner.
// Both count the rows two ways: Rows, every row read, weight zero included
// (the n an in-memory fit reports), and N, the rows of positive weight (the
// observations, R's nobs, which the degrees of freedom count). The binary
// form of an older lsq (format version 1) has no Rows and is refused; fold
// its rows again.
//
// Fit and FoldQR drive the accumulators over several partitions in parallel,
// each partition a Chunks function that yields blocks of rows. Each partition
// is folded in order and the partial results are merged in partition order,
// so the result does not depend on GOMAXPROCS or scheduling.
//
// # Precision
//
// By default (NewQR, Fit and FoldQR with at most DoubleDoubleMaxFeatures = 50
// features) the factor is carried in double-double arithmetic: each number is
// an unevaluated sum hi + lo of two float64 values, about 32 significant
// digits (u ≈ 1e-32; Dekker 1971; Hida, Li and Bailey, ARITH-15, 2001), and
// every reflection, the triangular solves, (ZᵀZ)⁻¹ and the sums of squares
// are computed in it, rounding to float64 only in the Result. The input rows
// are float64 and taken as exact. On the 11 NIST StRD linear problems fed as
// float64 design columns, every coefficient, standard error, residual SD and
// R² then agrees with the certified values to at least 13.2 significant
// digits (the in-memory solver of package linear reaches the same level).
// The exception is Filip (degree-10 polynomial): its powers x², …, x¹⁰
// rounded to float64 are not NIST's data, and that rounding alone limits any
// solver fed them to about 7.9 digits of NIST's values; the streaming fit
// reproduces the exact solution of the float64 data it was given to 15
// digits. (Package linear's SolvePolynomial forms the powers in double-double
// and so reaches NIST's values.)
//
// Double-double costs time: folding rows of 20 features runs at about
// 0.85 million rows a second on one core (with the AVX2 kernel; 0.45 million
// without) against about 3 million in float64 (BenchmarkQRFold). Beyond 50 features, where the O(d²) work per row
// dominates reading the data, NewQR uses float64, whose accuracy on the NIST
// problems was 12.2 (Norris), 13.1 (Pontius), 14+ (NoInt1/2), 11.5
// (Longley), 9–13 (Wampler1–4) and 7.2 digits (Filip, Wampler5).
// NewQRFloat64, NewQRDoubleDouble and Settings.Precision choose the
// precision explicitly; accumulators of different precision merge, in the
// receiver's precision.
package stream // import "github.com/lsqgo/lsq/stream"
