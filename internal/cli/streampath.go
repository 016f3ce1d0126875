package cli

import (
	"context"
	"strings"
	"time"

	"github.com/lsqgo/lsq/enet"
	"github.com/lsqgo/lsq/stream"
)

// runStreamPath is `lsq path --stream`: one pass folds the files into the
// QR accumulator, whose weighted moments (stream.QR.Moments) are all
// coordinate descent with covariance updates reads; enet.PathMoments then
// computes the path enet.Path computes from the rows, printed the same way.
func runStreamPath(ctx context.Context, o pathOptions, files []string, name string, rho float64, ps enet.PathSettings, stdio IO) error {
	if o.Formula != "" {
		return usagef("--stream reads plain columns (--target, --features, --weights); --formula builds its design from the rows in memory: drop --formula" + inMemory)
	}
	if err := refuseStreamNA(o.changed); err != nil {
		return err
	}
	fp, err := newFilePartitions(o.Data, false, files, stdio)
	if err != nil {
		return err
	}
	start := time.Now()
	q, err := stream.FoldQR(ctx, fp.parts, &stream.Settings{NoIntercept: ps.NoIntercept})
	fp.finish()
	if err != nil {
		return fp.columnsErr(files, err)
	}
	features, err := fp.features(files)
	if err != nil {
		return err
	}
	if q.N() == 0 {
		return streamErr(stream.ErrNoData, files, o.Data.Weights)
	}
	loaded := time.Now()
	m := q.Moments()
	pr, err := enet.PathMoments(ctx, &m, rho, &ps)
	if err != nil {
		return err
	}
	return writePath(o, stdio, pr, pathOutput{
		File: strings.Join(files, ","), Target: fp.target, Features: features, N: int(q.Rows()),
		Penalty: name, L1Ratio: rho, Standardized: o.Enet.Standardize,
		streamed: streamedMoments(len(files), len(features)),
		Timings:  timings{LoadS: loaded.Sub(start).Seconds(), FitS: time.Since(loaded).Seconds()},
	})
}
