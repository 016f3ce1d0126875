package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/fit"
	"github.com/lsqgo/lsq/stream"
)

// streamChunkRows is the number of rows read at a time in streaming mode:
// with d = 100 a block is 80 MB, small against memory and large enough that
// the per-block cost vanishes.
const streamChunkRows = 1 << 16

// expandInputs turns the FILE arguments into files: glob patterns are
// expanded (sorted, so partitions are always merged in the same order).
func expandInputs(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		if a == "-" {
			files = append(files, a)
			continue
		}
		if strings.ContainsAny(a, "*?[") {
			m, err := filepath.Glob(a)
			if err != nil {
				return nil, usagef("bad file pattern %q: %v", a, err)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("%s: no files match", a)
			}
			sort.Strings(m)
			files = append(files, m...)
			continue
		}
		files = append(files, a)
	}
	return files, nil
}

// inputFiles expands a command's file arguments (patterns included) and
// says whether they are streamed: with --stream, several files, or one file
// larger than the --memory budget. Read in memory, the data is files[0], a
// pattern's one match included.
func inputFiles(args []string, memory string, stream bool) (files []string, streamed bool, err error) {
	if files, err = expandInputs(args); err != nil {
		return nil, false, err
	}
	budget, err := parseBytes(memory)
	if err != nil {
		return nil, false, err
	}
	return files, stream || needsStream(files, budget), nil
}

// parseBytes reads a memory size such as 512MiB, 4GB or 1e9.
func parseBytes(given string) (int64, error) {
	s := strings.TrimSpace(given)
	mult := 1.0
	for _, u := range []struct {
		suffix string
		m      float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.m
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v <= 0 {
		return 0, usagef("--memory %q: want a size such as 4GiB or 512MB", given)
	}
	return int64(v * mult), nil
}

// needsStream decides whether the inputs must be streamed: several files,
// or files whose CSV text exceeds the memory budget (a matrix of float64
// takes roughly the size of its CSV text, often more).
func needsStream(files []string, budget int64) bool {
	if len(files) > 1 {
		return true
	}
	var total int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			total += st.Size()
		}
	}
	return budget > 0 && total > budget
}

// runStreamFit fits the files as a stream (fit.Stream): one pass folds them
// into a tall-skinny QR accumulator, which gives the exact fit and the
// moments cd fits the lasso and the elastic net from, and the iterative
// solvers continue from it (the stochastic ones reading the files again
// each epoch through a shuffle buffer).
func runStreamFit(ctx context.Context, o fitOptions, p *fitPlan, files []string, stdio IO) error {
	s := p.settings
	iterative := !s.Solver.Exact() && !s.Solver.Penalized()
	if err := checkStreamFlags(&o, s.Solver, files); err != nil {
		return err
	}
	fp, err := newFilePartitions(o.Data, o.Quiet, files, stdio)
	if err != nil {
		return err
	}
	if iterative {
		s.ShuffleBuffer = o.ShuffleBuffer
	}
	var trace *traceRecorder
	var pbar *progress
	if iterative {
		var rec lsqRecorders
		if rec, trace, pbar, err = epochRecorders(o, stdio, s.Optim.Epochs, s.Solver.String()+" (streamed)"); err != nil {
			return err
		}
		defer trace.finish(false)
		if len(rec) > 0 {
			s.Optim.Recorder = rec
		}
	}
	res, fitErr := fit.Stream(ctx, fp.parts, &s)
	fp.finish()
	pbar.finish()
	if res == nil {
		return fp.columnsErr(files, streamErr(fitErr, files, o.Data.Weights))
	}
	if res.Features, err = fp.features(files); err != nil {
		return err
	}
	return streamOutput(&o, &s, stdio, res, fitErr, trace, files, fp.target)
}

// streamErr is the error of a streamed command: stream.ErrNoData, which
// files whose rows all have weight zero give (a file without rows is
// refused as it is read), is worded as the in-memory reader words it
// (data.ZeroWeightsError); any other error is err.
func streamErr(err error, files []string, weights string) error {
	if errors.Is(err, stream.ErrNoData) && weights != "" {
		return data.ZeroWeightsError(strings.Join(files, ","), weights)
	}
	return err
}

// checkStreamFlags refuses what a streamed fit cannot do, naming the flag.
func checkStreamFlags(o *fitOptions, solver fit.Solver, files []string) error {
	iterative := !solver.Exact() && !solver.Penalized()
	if solver != fit.QR && solver != fit.CD && !iterative {
		return usagef("--stream fits exactly (QR of the streamed rows), by coordinate descent on their moments (cd: --penalty l1, elasticnet or l2) or by an iterative solver (gd, lbfgs, and sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw through a shuffle buffer); not --solver %s", solver)
	}
	if iterative && slices.Contains(files, "-") {
		return usagef("--stream --solver %s may read the data once per epoch; give a file, not standard input", solver)
	}
	if f := firstGiven([]givenFlag{{"val-frac", o.ValFrac > 0}, {"patience", o.Patience > 0}, {"init", o.Init != ""}, {"resume", o.Resume != ""}, {"checkpoint", o.Checkpoint != ""}}); f != "" {
		return usagef("--%s does not apply to --stream, which reads the rows as they come: no validation split, early stopping, starting model or checkpoint; drop --%s, or "+fitInMemory, f, f)
	}
	if pen := o.Penalty.Name; pen != "" && pen != "none" && pen != "l2" && pen != "ridge" && !(solver == fit.CD && isL1(pen)) {
		return usagef("--stream solves least squares and ridge (--penalty l2), and the lasso and elastic net with --solver cd; not --penalty %s with --solver %s", pen, solver)
	}
	if o.changed("shuffle-block") {
		return usagef("--shuffle-block orders rows in memory; --stream draws its mini-batches through --shuffle-buffer")
	}
	if o.ShuffleBuffer < 1 {
		return usagef("--shuffle-buffer %d must be at least 1 row", o.ShuffleBuffer)
	}
	if err := refuseStreamNA(o.changed); err != nil {
		return err
	}
	if f := firstGiven([]givenFlag{{"formula", o.Formula != ""}, {"degree", o.Degree > 1}, {"plot", o.Visual.Plot != ""}, {"report", o.Visual.Report != ""},
		{"robust", o.Robust != ""}, {"cluster", o.Cluster != ""}, {"df", o.DF != ""}}); f != "" {
		return usagef("--%s does not apply to --stream, which reads plain columns (--target, --features, --weights) and gives the classical summary; drop --%s, or "+fitInMemory, f, f)
	}
	return nil
}

// fitInMemory is how a refusal of --stream (or of what a streamed fit
// lacks) says to read the data in memory instead.
const fitInMemory = "fit in memory (one file within --memory, without --stream)"

// givenFlag is a flag's name and whether its value asks for something.
type givenFlag struct {
	name  string
	given bool
}

// firstGiven returns the name of the first flag given, or "".
func firstGiven(flags []givenFlag) string {
	for _, f := range flags {
		if f.given {
			return f.name
		}
	}
	return ""
}

// filePartitions are the files of a streamed fit as stream.Chunks: CSV in
// blocks of rows, Parquet a row group at a time, with a byte progress bar.
type filePartitions struct {
	parts  []stream.Chunks
	names  [][]string // each partition's feature names, as first read
	target string
	bar    *progressbar.ProgressBar
}

func newFilePartitions(df dataFlags, quiet bool, files []string, stdio IO) (*filePartitions, error) {
	opts, err := df.options()
	if err != nil {
		return nil, err
	}
	var total int64
	start := make([]os.FileInfo, len(files)) // each file as the fit found it
	for k, f := range files {
		if f == "-" {
			continue
		}
		st, err := data.Stat(f)
		if err != nil {
			return nil, err
		}
		total += st.Size()
		start[k] = st
	}
	fp := &filePartitions{parts: make([]stream.Chunks, len(files)), names: make([][]string, len(files)), target: opts.Target}
	if stdio.ErrTerminal && !quiet && total > 0 {
		fp.bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(stdio.Err), progressbar.OptionShowBytes(true),
			progressbar.OptionSetPredictTime(true), progressbar.OptionSetDescription("streaming"), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(200*time.Millisecond))
	}
	var read atomic.Int64
	for k, f := range files {
		fp.parts[k] = func(yield func(x *mat.Dense, y, w []float64) error) error {
			po := *opts
			var last int64
			po.Progress = func(n int64) {
				read.Add(n - last)
				last = n
				if fp.bar != nil {
					fp.bar.Set64(read.Load())
				}
			}
			keep := func(ch *data.Frame) error {
				if fp.names[k] == nil {
					fp.names[k] = append([]string(nil), ch.Features...)
				}
				return yield(ch.X, ch.Y, ch.Weights)
			}
			if f == "-" {
				return data.ScanCSV(stdio.In, "<stdin>", &po, streamChunkRows, keep)
			}
			// An iterative fit reads the files once per epoch: a file that
			// changed between passes would give each epoch other data.
			// (ScanFile finds a change during a pass.)
			if err := changedSince(f, start[k], "when the fit started"); err != nil {
				return err
			}
			// CSV in blocks of rows, Parquet a row group at a time.
			err := data.ScanFile(f, &po, streamChunkRows, keep)
			// ScanFile compares the file with its state when it opened it;
			// a change between this fit's first look and that open is
			// caught here, also when it made the reader fail (a file
			// truncated in a row): the change is the error to report.
			if cerr := changedSince(f, start[k], "when opened"); cerr != nil {
				return cerr
			}
			return err
		}
	}
	return fp, nil
}

func (fp *filePartitions) finish() {
	if fp.bar != nil {
		fp.bar.Finish()
	}
}

// features returns the partitions' common feature names, or an error naming
// a partition whose columns differ.
func (fp *filePartitions) features(files []string) ([]string, error) {
	var features []string
	for k, names := range fp.names {
		if names == nil {
			continue
		}
		if features == nil {
			features = names
		} else if strings.Join(features, ",") != strings.Join(names, ",") {
			return nil, fmt.Errorf("%s: the columns %s differ from %s's %s; every partition must have the same features", files[k], data.ListNames(names), files[0], data.ListNames(features))
		}
	}
	return features, nil
}

// columnsErr is what a failed pass over the partitions reports: that their
// columns differ when they do (the cause of a merge that fails, which the
// stream's own error names only by counts), else err.
func (fp *filePartitions) columnsErr(files []string, err error) error {
	if _, ferr := fp.features(files); ferr != nil {
		return ferr
	}
	return err
}

// streamPrecision names the arithmetic of the QR accumulator for this many
// features: stream.Auto's choice, which every streamed command uses.
func streamPrecision(features int) string {
	if features <= stream.DoubleDoubleMaxFeatures {
		return "double-double"
	}
	return "float64"
}

// refuseStreamNA refuses --na and --na-values, which --stream cannot honour
// in fit, path and cv alike: the numeric reader stops at a missing value.
func refuseStreamNA(changed func(string) bool) error {
	if changed("na") || changed("na-values") {
		return usagef("--stream reads numbers only: a missing value stops it; drop --na and --na-values, or fit in memory")
	}
	return nil
}

// changedSince reports a file whose size or modification time differs from
// st0, its state when the fit first looked at it; when says, for the
// message, what that moment was to the reader.
func changedSince(path string, st0 os.FileInfo, when string) error {
	st, err := os.Stat(path)
	if err != nil || st0 == nil || (st.Size() == st0.Size() && st.ModTime().Equal(st0.ModTime())) {
		return nil
	}
	return &data.Error{File: path, Msg: fmt.Sprintf("the file changed while it was read: %d bytes %s, %d now", st0.Size(), when, st.Size()),
		Hint: "fit a file that no other program is writing to; copy it first if it is still growing"}
}
