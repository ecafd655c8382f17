package main

import (
	"github.com/spf13/cobra"

	"gameday.io/gameday/framework/environment"
)

// envFlags are the flags that pick an environment.
type envFlags struct {
	name string
}

func (f *envFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.name, "name", environment.DefaultName, "environment name")
}

// store is where environments are kept ($GAMEDAY_STATE_DIR or ~/.local/state/gameday).
func store() environment.Store { return environment.Store{Root: environment.DefaultRoot()} }
