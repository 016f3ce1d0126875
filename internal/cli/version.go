package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/lsqgo/lsq"
)

type versionOptions struct {
	JSON bool
}

func newVersionCmd(stdio IO) *cobra.Command {
	var opts versionOptions
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the lsq version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(opts, stdio)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object")
	return cmd
}

func runVersion(opts versionOptions, stdio IO) error {
	if opts.JSON {
		return writeJSON(stdio.Out, map[string]any{"version": lsq.Version, "go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH, "model_format_version": 1})
	}
	_, err := fmt.Fprintln(stdio.Out, versionLine())
	return err
}

// versionLine is what `lsq version` and `lsq --version` print.
func versionLine() string {
	return fmt.Sprintf("lsq %s (%s %s/%s)", lsq.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
