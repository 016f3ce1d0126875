package cli

import (
	"context"

	"github.com/spf13/cobra"
)

func registerDemoOutputs(cmd *cobra.Command, opts *demoOptions) {}

func checkDemoOutputs(opts demoOptions) error { return nil }

func writeDemoOutputs(ctx context.Context, opts demoOptions, out *demoOutput) error { return nil }
