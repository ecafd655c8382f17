package main

import (
	"log/slog"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
)

// globalOptions are flags every command shares.
type globalOptions struct {
	verbose bool
}

func newRootCmd() *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "gameday",
		Short: "Chaos and disaster-recovery drills for multi-region ML inference on Kubernetes",
		Long: `gameday builds a multi-region environment with GPU nodes, deploys the reference
inference platform, drives load with Vegeta, injects node, zone, storage and region
failures, and measures RTO, RPO and PodDisruptionBudget behaviour as test results.

Exit codes: 0 success, 1 failure (including a missed objective), 2 bad input.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelInfo
			if g.verbose {
				level = slog.LevelDebug
			}
			logger := slog.New(newLineHandler(cmd.ErrOrStderr(), level))
			cmd.SetContext(framework.WithLogger(cmd.Context(), logger))
		},
	}
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log debug detail to stderr")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(
		newUpCmd(),
		newDownCmd(),
		newLsCmd(),
		newStatusCmd(),
		newPreflightCmd(),
		newKubeconfigCmd(),
		newRunCmd(),
		newDrillCmd(),
		newInjectCmd(),
		newRevertCmd(),
		newRecoverCmd(),
		newFaultsCmd(),
		newLintCmd(),
		newLoadCmd(),
		newReportCmd(),
		newVerifyCmd(),
		newAgentCmd(),
		newRPOCmd(),
		newVersionCmd(),
	)
	return root
}
