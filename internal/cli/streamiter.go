package cli

import (
	"github.com/lsqgo/lsq"
)

type lsqRecorders = lsq.Recorders

// epochRecorders sets up the per-epoch trace file and progress bar of an
// iterative fit; finish the trace (commit or discard) when the fit ends.
func epochRecorders(o fitOptions, stdio IO, epochs int, label string) (rec lsqRecorders, trace *traceRecorder, bar *progress, err error) {
	if o.Trace != "" {
		if trace, err = newTraceRecorder(o.Trace); err != nil {
			return nil, nil, nil, err
		}
		rec = append(rec, trace)
	}
	if stdio.ErrTerminal && !o.Quiet {
		bar = newProgress(stdio.Err, epochs, label)
		rec = append(rec, bar)
	}
	return rec, trace, bar, nil
}
