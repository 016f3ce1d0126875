package main

import (
	"context"
	"log/slog"
)

func logLevel() slog.Level {
	if *verbose {
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

// quietHandler drops one record of prism's: at the end of every job prism
// stops the workers of a PROCESS environment with SIGKILL and logs that at
// level ERROR ("process failed while running", error "signal: killed"),
// although nothing failed. A worker that dies during a job fails the job,
// which is reported separately. With -v every record is kept.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if !*verbose && r.Message == "process failed while running" {
		killed := false
		r.Attrs(func(a slog.Attr) bool {
			killed = killed || (a.Key == "error" && a.Value.String() == "signal: killed")
			return true
		})
		if killed {
			return nil
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
