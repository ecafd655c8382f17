package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/fault"
)

// faultFlags select an environment and how faults may touch it.
type faultFlags struct {
	env   envFlags
	allow []string
	seed  uint64
}

func (f *faultFlags) add(cmd *cobra.Command) {
	f.env.add(cmd)
	cmd.Flags().StringSliceVar(&f.allow, "allow-context", nil, "kubeconfig contexts of environments gameday did not create that faults may touch")
}

// target loads the environment and builds the fault target.
func (f *faultFlags) target(cmd *cobra.Command) (*fault.Target, error) {
	env, err := environment.Open(store(), f.env.name, framework.Logger(cmd.Context()))
	if err != nil {
		return nil, err
	}
	return env.FaultTarget(environment.FaultOptions{Guard: fault.Guard{AllowContexts: f.allow}, Seed: f.seed}), nil
}

func newInjectCmd() *cobra.Command {
	var (
		ff     faultFlags
		s      fault.Spec
		dryRun bool
		detach bool
	)
	cmd := &cobra.Command{
		Use:   "inject KIND",
		Short: "Inject a fault, hold it for --duration, then revert it",
		Long: `Inject a fault into an environment, hold it for --duration and revert it.
Ctrl-C reverts at once. The fault is written to the environment's journal
before it is injected; if this process is killed, the data-plane agent reverts
it when its duration ends, and ` + "`gameday recover`" + ` reverts it at once.

Kinds (every kind also takes --region and --duration):
` + fault.Help() + `
Faults only touch environments gameday created (or --allow-context) and
namespaces labelled gameday.io/chaos=enabled.`,
		Example: `  gameday inject zone-outage --zone us-east1-a --duration 2m --dry-run
  gameday inject node-loss --node us-east1-a-gpu-0 --duration 90s
  gameday inject drain --zone us-east1-a --duration 1m`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec := s
			spec.Kind = fault.Kind(args[0])
			if err := spec.CheckForm(); err != nil {
				return err
			}
			t, err := ff.target(cmd)
			if err != nil {
				return err
			}
			p, err := fault.Prepare(cmd.Context(), t, spec)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if dryRun {
				fmt.Fprintln(out, "dry run: nothing is changed")
				p.Print(out)
				return nil
			}
			if detach {
				if d, _ := fault.Lookup(p.Spec.Kind); d.Foreground {
					return fmt.Errorf("%s runs in the foreground (it works until its duration ends); drop --detach: %w", p.Spec.Kind, framework.ErrInvalid)
				}
				e, err := fault.Inject(cmd.Context(), t, p)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "fault %s injected until %s; revert it earlier with `gameday revert %s`\n", e.ID, e.Until.Format(time.RFC3339), e.ID)
				return nil
			}
			p.Print(out)
			e, err := fault.Run(cmd.Context(), t, p, fault.Hooks{Progress: func(left time.Duration) {
				framework.Logger(cmd.Context()).Info("fault active", "id", p.ID, "left", left)
			}})
			if e != nil {
				printResult(out, e)
			}
			return err
		},
	}
	ff.add(cmd)
	f := cmd.Flags()
	f.StringVar(&s.Region, "region", "", "region (default: the primary, or the zone's or node's region)")
	f.StringVar(&s.Zone, "zone", "", "zone (zone-outage, drain)")
	f.StringVar(&s.Node, "node", "", "node (node-loss, drain)")
	f.StringVar(&s.Pod, "pod", "", "pod (pod-kill; default: one chosen at random)")
	f.StringVar(&s.Peer, "peer", "", "the other region (partition)")
	f.StringVar(&s.Mode, "mode", "", "node-loss, zone-outage, region-outage: black-hole (default: servers freeze, connections hang) or refuse (servers exit, connections refused); storage-outage: backend-error (default), backend-timeout, cache-error, cache-timeout")
	f.DurationVar(&s.Duration, "duration", 0, "how long the fault lasts (required except for pod-kill)")
	f.BoolVar(&dryRun, "dry-run", false, "print the plan (targets, duration, revert) and change nothing")
	f.BoolVar(&detach, "detach", false, "inject and return; the fault reverts itself when --duration ends")
	f.Uint64Var(&ff.seed, "seed", 0, "seed for random choices (pod-kill)")
	return cmd
}

func printResult(w io.Writer, e *fault.Entry) {
	fmt.Fprintf(w, "fault %s: %s", e.ID, e.State)
	if r := e.Result; r != nil {
		if e.Spec.Kind == fault.Drain {
			fmt.Fprintf(w, "; evicted %d, refused by the PodDisruptionBudget (429) %d times, %d pod(s) left", r.Evicted, r.Refused, len(r.Remaining))
		}
		if len(r.Killed) > 0 {
			fmt.Fprintf(w, "; killed %s", strings.Join(r.Killed, ", "))
		}
	}
	fmt.Fprintln(w)
}

func newRevertCmd() *cobra.Command {
	var (
		ff  faultFlags
		all bool
	)
	cmd := &cobra.Command{
		Use:   "revert [ID | --all]",
		Short: "Revert a fault (or every open one)",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 || all == (len(args) == 1) {
				return &usageError{fmt.Errorf("give either one fault ID or --all")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := ff.target(cmd)
			if err != nil {
				return err
			}
			if all {
				return recoverAll(cmd, t)
			}
			e, err := fault.Revert(cmd.Context(), t, args[0])
			if err != nil {
				return err
			}
			printResult(cmd.OutOrStdout(), e)
			return nil
		},
	}
	ff.add(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "revert every fault that may still be in effect")
	return cmd
}

func newRecoverCmd() *cobra.Command {
	var (
		ff  faultFlags
		all bool
	)
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "Revert whatever a killed run left behind",
		Long: `Read the environment's fault journal and revert every fault that may still be
in effect (for example after a run was killed with SIGKILL). With --all, do
so for every environment whose owner process died (see gameday ls).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if all {
				return recoverOrphans(cmd, ff.allow)
			}
			t, err := ff.target(cmd)
			if err != nil {
				return err
			}
			return recoverAll(cmd, t)
		},
	}
	ff.add(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "revert the faults of every environment whose owner process died")
	return cmd
}

func recoverAll(cmd *cobra.Command, t *fault.Target) error {
	done, err := fault.Recover(cmd.Context(), t)
	for _, e := range done {
		printResult(cmd.OutOrStdout(), e)
	}
	if len(done) == 0 && err == nil {
		fmt.Fprintln(cmd.OutOrStdout(), "no fault to revert")
	}
	return err
}

func newFaultsCmd() *cobra.Command {
	var (
		ff  faultFlags
		out outputFlag
	)
	cmd := &cobra.Command{
		Use:   "faults",
		Short: "List the environment's faults, active and past",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := ff.target(cmd)
			if err != nil {
				return err
			}
			entries, err := t.Journal.List()
			if err != nil {
				return err
			}
			if out.format == "json" {
				return writeJSON(cmd.OutOrStdout(), entries)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tFAULT\tINJECTED\tUNTIL\tREVERTED")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.State, e.Spec, clock(e.InjectedAt), clock(e.Until), clock(e.RevertedAt))
			}
			return tw.Flush()
		},
	}
	ff.add(cmd)
	out.add(cmd, "text", "json")
	return cmd
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("15:04:05")
}
