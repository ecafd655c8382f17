package environment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/supervise"
)

// HarnessChecks are the parts of gameday's harness this environment runs,
// as checks a drill supervises (framework/supervise): the data-plane
// agent's process and API (which reports the storage servers it started),
// and each region's control-plane processes when the provider runs them
// locally. A region's control-plane check has the region's name as its
// group, so a fault that stops that control plane pauses it.
func (e *Env) HarnessChecks() ([]supervise.Check, error) {
	var checks []supervise.Check
	if e.Agent != nil && e.Record.AgentPID != 0 {
		proc, ok := findAgent(e.Record.AgentPID, e.Record.Name)
		if !ok {
			return nil, fmt.Errorf("the data-plane agent (pid %d) of %s is not running", e.Record.AgentPID, e.Record.Name)
		}
		checks = append(checks, supervise.Process("data-plane agent", proc))
	}
	if e.Agent != nil {
		checks = append(checks, supervise.Check{
			Name: "data-plane agent API at " + e.Agent.URL, Probe: agentProbe(e.Agent),
			Interval: 2 * time.Second, Timeout: dataplane.QueryTimeout, Tolerate: 2,
		})
	}
	if pl, ok := e.Provider.(provider.ProcessLister); ok {
		for _, r := range e.Record.Regions {
			c, err := controlPlaneCheck(pl, provider.ClusterOf(r), r.Name)
			if err != nil {
				return nil, err
			}
			checks = append(checks, c)
		}
	}
	return checks, nil
}

// agentProbe asks the agent for its status: it must answer, and report no
// failed part of its own (a storage server that exited).
func agentProbe(c *dataplane.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		st, err := c.Status(ctx)
		if err != nil {
			return fmt.Errorf("no answer: %w", err)
		}
		if len(st.Problems) > 0 {
			return supervise.Definite(errors.New(strings.Join(st.Problems, "; ")))
		}
		return nil
	}
}

// controlPlaneCheck checks that every component the cluster runs now keeps
// running. Components are followed by name, not PID: a region outage's
// revert starts them again under new PIDs.
func controlPlaneCheck(pl provider.ProcessLister, c provider.Cluster, region string) (supervise.Check, error) {
	procs, err := pl.Processes(c)
	if err != nil {
		return supervise.Check{}, fmt.Errorf("list the control-plane processes of %s: %w", region, err)
	}
	if len(procs) == 0 {
		return supervise.Check{}, fmt.Errorf("the control plane of %s runs no process", region)
	}
	want := map[string]int{}
	for _, p := range procs {
		want[p.Component] = p.PID
	}
	var names []string
	for n := range want {
		names = append(names, n)
	}
	slices.Sort(names)
	return supervise.Check{
		Name:  fmt.Sprintf("control plane of %s (%s)", region, strings.Join(names, ", ")),
		Group: region,
		Probe: func(context.Context) error {
			now, err := pl.Processes(c)
			running := map[string]bool{}
			for _, p := range now {
				running[p.Component] = p.Running()
			}
			var gone []string
			for _, n := range names {
				if !running[n] {
					gone = append(gone, fmt.Sprintf("%s (pid %d at the start)", n, want[n]))
				}
			}
			if len(gone) > 0 {
				if err != nil {
					return fmt.Errorf("%s exited (listing the processes: %w)", strings.Join(gone, ", "), err)
				}
				return fmt.Errorf("%s exited", strings.Join(gone, ", "))
			}
			return nil
		},
	}, nil
}
