package cli

import (
	"github.com/spf13/cobra"
	"gonum.org/v1/plot"

	"github.com/lsqgo/lsq"
	"github.com/lsqgo/lsq/report"
)

// registerVisualFlags adds --plot and --report to a demo topic; what names
// the pictures the topic draws.
func registerVisualFlags(cmd *cobra.Command, opts *visualFlags, what string) {
	cmd.Flags().StringVar(&opts.Plot, "plot", "", "draw "+what+" to a .png or .svg file")
	cmd.Flags().StringVar(&opts.Report, "report", "", "write the demo's story with "+what+" as a self-contained HTML report")
}

// demoFig is one figure of a demo topic: panels in a grid of cols columns.
type demoFig struct {
	title, caption string
	cols           int
	panels         []*plot.Plot
}

// demoPage is what a demo topic shows in its report.
type demoPage struct {
	title    string
	args     []string // the command line, without the program name
	settings []report.KV
	notes    []string
	figs     []demoFig
}

// writeDemoVisuals writes every panel of the page's figures as one --plot
// figure (two columns), and the page as a --report.
func writeDemoVisuals(opts visualFlags, pg demoPage) (err error) {
	defer recoverDrawing(&err)
	if opts.Plot != "" {
		var all []*plot.Plot
		for _, f := range pg.figs {
			all = append(all, f.panels...)
		}
		if err := writeFigure(opts.Plot, report.Grid(2, all...)); err != nil {
			return err
		}
	}
	if opts.Report == "" {
		return nil
	}
	h := &report.HTML{
		Title:    pg.title,
		Command:  shellQuote(append([]string{"lsq"}, pg.args...)),
		Version:  lsq.Version,
		Settings: pg.settings,
		Notes:    pg.notes,
	}
	for _, f := range pg.figs {
		if err := h.AddFigure(f.title, f.caption, report.Grid(f.cols, f.panels...)); err != nil {
			return err
		}
	}
	return writeHTML(opts.Report, h)
}
