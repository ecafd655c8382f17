package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/fault"
)

// lsEntry is one environment as `gameday ls -o json` shows it.
type lsEntry struct {
	Name     string             `json:"name"`
	Provider string             `json:"provider"`
	Profile  framework.Profile  `json:"profile"`
	Phase    environment.Phase  `json:"phase"`
	Created  time.Time          `json:"created"`
	Owner    *environment.Owner `json:"owner,omitempty"`
	Orphan   bool               `json:"orphan"`
	Faults   int                `json:"openFaults"`
	Error    string             `json:"error,omitempty"`
	State    string             `json:"stateDir"`
	Regions  []string           `json:"regions"`
	record   environment.Record
}

func listEnvironments() ([]lsEntry, error) {
	recs, err := store().List()
	if err != nil {
		return nil, err
	}
	out := make([]lsEntry, 0, len(recs))
	for _, r := range recs {
		open, _ := fault.Journal{Dir: r.StateDir + "/faults"}.List()
		n := 0
		for _, e := range open {
			if e.Open() {
				n++
			}
		}
		out = append(out, lsEntry{Name: r.Name, Provider: r.Provider, Profile: r.Profile, Phase: r.Phase, Created: r.CreatedAt,
			Owner: r.Owner, Orphan: r.Orphaned(), Faults: n, Error: r.Error, State: r.StateDir, Regions: r.RegionNames(), record: r})
	}
	return out, nil
}

func newLsCmd() *cobra.Command {
	var out outputFlag
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List environments, their owner process and whether it is alive",
		Long: `List every environment in the state directory. An environment that ` + "`gameday run`" + `
or a suite created for itself records its owner process; when the owner died
(kill -9, a CI timeout) the environment is an orphan: revert its faults with
` + "`gameday recover --all`" + ` and tear it down with ` + "`gameday down --orphans`" + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			envs, err := listEnvironments()
			if err != nil {
				return err
			}
			if out.format == "json" {
				return writeJSON(cmd.OutOrStdout(), envs)
			}
			printEnvironments(cmd.OutOrStdout(), envs)
			return nil
		},
	}
	out.add(cmd, "text", "json")
	return cmd
}

func printEnvironments(w io.Writer, envs []lsEntry) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPROVIDER\tPROFILE\tPHASE\tAGE\tOWNER\tOPEN FAULTS")
	now := time.Now()
	for _, e := range envs {
		owner := "-"
		if e.Owner != nil {
			owner = fmt.Sprintf("pid %d alive", e.Owner.PID)
			if e.Orphan {
				owner = fmt.Sprintf("pid %d DEAD (orphan)", e.Owner.PID)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", e.Name, e.Provider, e.Profile, e.Phase, e.record.Age(now), owner, e.Faults)
	}
	_ = tw.Flush()
}

// downOrphans tears down every environment whose owner died.
func downOrphans(cmd *cobra.Command) error {
	orphans, err := store().Orphans()
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range orphans {
		if err := environment.Down(cmd.Context(), store(), r.Name, framework.Logger(cmd.Context())); err != nil {
			errs = append(errs, fmt.Errorf("environment %s: %w", r.Name, err))
			continue
		}
		fmt.Fprintf(cmd.OutOrStdout(), "orphan environment %s (owner pid %d died) is down\n", r.Name, r.Owner.PID)
	}
	if len(orphans) == 0 {
		fmt.Fprintln(cmd.OutOrStdout(), "no orphan environment")
	}
	return errors.Join(errs...)
}

// recoverOrphans reverts the open faults of every environment whose owner died.
func recoverOrphans(cmd *cobra.Command, allow []string) error {
	orphans, err := store().Orphans()
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range orphans {
		if r.Phase != environment.PhaseReady {
			continue // nothing was injected before it was ready
		}
		env, err := environment.Open(store(), r.Name, framework.Logger(cmd.Context()))
		if err != nil {
			errs = append(errs, fmt.Errorf("environment %s: %w", r.Name, err))
			continue
		}
		fmt.Fprintf(cmd.OutOrStdout(), "environment %s (owner pid %d died):\n", r.Name, r.Owner.PID)
		if err := recoverAll(cmd, env.FaultTarget(environment.FaultOptions{Guard: fault.Guard{AllowContexts: allow}})); err != nil {
			errs = append(errs, fmt.Errorf("environment %s: %w", r.Name, err))
		}
	}
	if len(orphans) == 0 {
		fmt.Fprintln(cmd.OutOrStdout(), "no orphan environment")
	}
	return errors.Join(errs...)
}

// warnOrphans says when environments were left behind by dead runs.
func warnOrphans(cmd *cobra.Command) {
	if orphans, err := store().Orphans(); err == nil && len(orphans) > 0 {
		names := make([]string, len(orphans))
		for i, r := range orphans {
			names[i] = r.Name
		}
		framework.Logger(cmd.Context()).Warn("environments of runs that died are still up (see `gameday ls`; `gameday recover --all && gameday down --orphans` removes them)", "orphans", names)
	}
}
