package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/enet"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/stream"
)

// runStreamCV is `lsq cv --stream`: stream.FoldCV reads the files twice (a
// row count, then each fold's rows into its own QR accumulator), with the
// folds enet.CV gives the same rows in memory, and enet.CVMoments
// cross-validates from the folds' moments; the result is printed as in
// memory, with a streamed line.
func runStreamCV(ctx context.Context, o cvOptions, files []string, stdio IO) error {
	switch {
	case o.Ranks != "":
		return usagef("--stream cross-validates the lasso and elastic net; --rank reads the rows in memory: drop --rank" + inMemory)
	case o.FoldID != "":
		return usagef("--stream assigns the folds by --seed; --foldid reads a fold column in memory: drop --foldid" + inMemory)
	case o.Plot != "":
		return usagef("--stream does not draw --plot (the plot's path reads the rows): drop --plot" + inMemory)
	case o.Formula != "":
		return usagef("--stream reads plain columns (--target, --features, --weights); --formula builds its design from the rows in memory: drop --formula" + inMemory)
	case slices.Contains(files, "-"):
		return usagef("--stream cv reads the data twice (counting the rows, then folding them); give a file, not standard input")
	}
	if err := refuseStreamNA(o.changed); err != nil {
		return err
	}
	name, ratios, ps, oneSE, err := o.check()
	if err != nil {
		return err
	}
	if name == "l2" {
		return usagef("--stream cross-validates --penalty l1 and elasticnet; ridge (--penalty l2) adds the exact leave-one-out error, which reads the rows; choose another --penalty" + inMemory)
	}
	if err := refuseOverwrite(o.Output, files...); err != nil {
		return err
	}
	if err := refuseOverwrite(o.SaveFolds, files...); err != nil {
		return err
	}
	fp, err := newFilePartitions(o.Data, true, files, stdio)
	if err != nil {
		return err
	}
	start := time.Now()
	cs := enet.CVSettings{PathSettings: ps, L1Ratios: ratios, Folds: o.Folds, Seed: o.Seed, OneSE: oneSE}
	res, full, err := stream.FoldCV(ctx, fp.parts, &stream.Settings{NoIntercept: ps.NoIntercept}, &cs)
	fp.finish()
	if errors.Is(err, stream.ErrNoData) {
		return streamErr(err, files, o.Data.Weights)
	}
	if fe := (*stream.FoldsError)(nil); errors.As(err, &fe) {
		return usagef("--folds %d is more than the %s of %s; use at most %d", fe.Folds, english.Count(fe.Rows, "row"), strings.Join(files, ","), fe.Rows)
	}
	if err != nil {
		return fp.columnsErr(files, err)
	}
	features, err := fp.features(files)
	if err != nil {
		return err
	}
	for _, c := range res.Curves {
		if err := checkAlphaMax(c.AlphaMax, fp.target); err != nil {
			return err
		}
	}
	if o.SaveFolds != "" {
		if err := saveFolds(o.SaveFolds, res.Folds, nil); err != nil {
			return err
		}
	}
	cb, ref := res.Curves[res.Best], res.Refit
	// The refit's intercept is ȳ − x̄ᵀβ (zero without one), so its mean
	// squared residual is the quadratic form of the full moments.
	tm := timings{FitS: time.Since(start).Seconds()}
	out := newCVOutput(&o, fp.target, features, len(res.Folds), full.MSE(ref.Coef), name, oneSE, res, tm)
	out.File = strings.Join(files, ",")
	out.streamed = streamedCV(len(files), len(features))
	return writeCV(&o, stdio, &out, cb, &ref, &data.Frame{Target: fp.target, Features: features})
}

// inMemory ends the refusals of runStreamCV.
const inMemory = ", or cross-validate in memory: one file within --memory, without --stream"

// streamedCV says how a streamed cross-validation read its data.
func streamedCV(files, features int) string {
	return fmt.Sprintf("two passes over %s (rows counted, then folded), coordinate descent on the moments of each fold's QR factor (%s)", english.Count(files, "file"), streamPrecision(features))
}
