package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
)

// rankCVOutput is the JSON form of `lsq cv --rank`.
type rankCVOutput struct {
	File    string      `json:"file"`
	Targets []string    `json:"targets"`
	Folds   int         `json:"folds"`
	Seed    uint64      `json:"seed"`
	Ranks   []int       `json:"ranks"`
	Full    int         `json:"full_rank"` // min(features, targets): the rank of the unconstrained fit, the largest --rank takes
	Mean    []jsonFloat `json:"mean_loss"`
	SE      []jsonFloat `json:"se_loss"`
	Best    int         `json:"rank_min"`
	OneSE   int         `json:"rank_1se"`
}

// runRankCV is `lsq cv FILE --target y1,y2,y3 --rank 1,2,3`: the rank of a
// reduced-rank fit chosen by k-fold cross-validation (fit.CrossValidateRank).
func runRankCV(ctx context.Context, o cvOptions, stdio IO) error {
	var ranks []int
	for _, f := range strings.Split(o.Ranks, ",") {
		r, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || r < 1 {
			return usagef("--rank %q: want ranks ≥ 1 separated by commas, e.g. 1,2,4,8", o.Ranks)
		}
		if slices.Contains(ranks, r) {
			return usagef("--rank %q lists rank %d twice", o.Ranks, r)
		}
		ranks = append(ranks, r)
	}
	for _, flag := range []string{"penalty", "alpha", "l1-ratio", "choose", "standardize", "output", "plot"} {
		if o.changed(flag) {
			return usagef("--%s does not apply to the cross-validation of a rank (--rank)", flag)
		}
	}
	x, y, w, _, targets, err := loadTargets(o.Data, o.File, stdio)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	_, k := y.Dims()
	for _, r := range ranks {
		if err := rankInRange(r, d, k); err != nil {
			return err
		}
	}
	if o.Folds < 2 || o.Folds > n {
		return usagef("--folds %d: cross-validation needs 2 to %d folds", o.Folds, n)
	}
	var folds [][]int
	for _, f := range data.KFold(n, o.Folds, o.Seed) {
		folds = append(folds, f.Val)
	}
	cv, err := fit.CrossValidateRank(ctx, x, y, ranks, folds, &fit.MultiSettings{Weights: w})
	if err != nil {
		return err
	}
	out := rankCVOutput{File: o.File, Targets: targets, Folds: o.Folds, Seed: o.Seed, Ranks: ranks, Full: min(d, k), Best: cv.Best, OneSE: cv.OneSE}
	for k := range ranks {
		out.Mean = append(out.Mean, jsonFloat(cv.Mean[k]))
		out.SE = append(out.SE, jsonFloat(cv.SE[k]))
	}
	if o.JSON {
		return writeJSON(stdio.Out, out)
	}
	printRankCV(stdio.Out, &out)
	return nil
}

func printRankCV(w io.Writer, out *rankCVOutput) {
	fmt.Fprintf(w, "%s: targets %s, %d-fold cross-validation (seed %d)\n", out.File, strings.Join(out.Targets, ", "), out.Folds, out.Seed)
	tw := newTable(w)
	fmt.Fprintf(tw, "rank\theld-out loss\tstd err\t\n")
	for k, r := range out.Ranks {
		mark := ""
		switch r {
		case out.Best:
			mark = "  ← min"
		case out.OneSE:
			mark = "  ← 1se"
		}
		if r == out.Best && r == out.OneSE {
			mark = "  ← min, 1se"
		}
		rank := strconv.Itoa(r)
		if r == out.Full {
			rank += " (full)"
		}
		fmt.Fprintf(tw, "%s\t%.6g\t%.3g\t%s\n", rank, float64(out.Mean[k]), float64(out.SE[k]), mark)
	}
	tw.Flush()
}
