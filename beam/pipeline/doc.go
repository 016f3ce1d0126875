// Package pipeline fits linear least-squares models with Apache Beam, so that
// the same fit runs on one machine (Beam's embedded prism runner) or on a
// cluster (Flink, Spark, Dataflow through Beam's portable runner).
//
// The unit of parallel work is a file, not a row. Each file matched by a
// glob is read with a plain loop and folded into one accumulator of package
// stream (one Beam element per file; one element per row costs about three
// times as much in Beam's per-element overhead), and a CombineFn merges the
// accumulators:
//
//	MatchFiles(glob) → ReadMatches → ParDo(fold one file) → Combine(merge) → ParDo(write)
//
// The exact fit (FitFiles, RunFit) combines stream.QR factors (TSQR); the
// result equals the in-memory QR fit up to rounding. The combine keeps each
// file's accumulator apart and folds them in the order of the files' paths
// (acc.go), so the result is the same bits whatever the number of workers or
// the order in which a runner merges — those of `lsq fit --stream` over the
// same files. Full-batch gradient descent (RunGD)
// is run by optim.Minimize, lsq's one gradient driver, with the exact
// optimum from a first QR pass as its target: each evaluation of the loss
// and gradient is one pipeline combining stream.Grad sums at the current
// parameters.
//
// Accumulators travel between workers in the binary form of package stream,
// wrapped in QRAcc and GradAcc with the feature names, so that files with
// different columns are refused instead of silently merged.
package pipeline // import "github.com/lsqgo/lsq/beam/pipeline"
