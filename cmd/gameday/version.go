package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print gameday's version and commit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "gameday %s (commit %s)\n", framework.Version, framework.Commit)
			return err
		},
	}
}
