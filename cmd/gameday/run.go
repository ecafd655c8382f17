package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/internal/app"
)

func newRunCmd() *cobra.Command {
	var (
		o       app.Options
		profile string
		dryRun  bool
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the drill suites and write a signed report",
		Long: `Run the drill suites (compiled Ginkgo suites in bin/suites, built by make build)
against an environment and write the report bundle: evidence.json, report.html,
summary.md, junit.xml, ginkgo-report.json and a signed attestation.

Without --env a fresh environment is created with --profile and --platform and
torn down afterwards (unless --retain). Ctrl-C reverts the running drill's
fault, tears down and still writes the report.

Suites: zone, node, storage, region, pdb, rpo, or all.
Exit codes: 0 every objective met, 1 an objective missed, 2 bad input,
3 the run could not complete or gameday's own harness failed (an environment
did not come up, a suite broke, a process gameday started died or stopped
answering during a drill, the load generator stalled): verdict
"harness-failed", the drill's objectives "not measured",
4 interrupted (Ctrl-C, SIGTERM): verdict "interrupted", the running drill's
objectives "not measured"; the fault is reverted and the report written.`,
		Example: `  gameday run --suite all --profile fast
  gameday run --suite zone --env demo
  gameday run --suite all --platform remediated --report-dir out/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := framework.ParseProfile(profile)
			if err != nil {
				return err
			}
			if o.Env != "" {
				// The environment already runs its platform and entry workload.
				for _, fl := range []string{"platform", "workload", "provider", "profile", "monitoring", "topology", "allow-context"} {
					if cmd.Flags().Changed(fl) {
						return fmt.Errorf("--%s applies to an environment gameday run creates, not to --env %s (it runs what gameday up gave it): %w", fl, o.Env, framework.ErrInvalid)
					}
				}
			}
			warnOrphans(cmd)
			o.Profile, o.Store, o.Out, o.Logger = p, store(), cmd.ErrOrStderr(), framework.Logger(cmd.Context())
			if dryRun {
				return app.DryRun(cmd.Context(), o, cmd.OutOrStdout())
			}
			out, err := app.Run(cmd.Context(), o)
			if out != nil && out.Evidence != nil {
				printVerdict(cmd.OutOrStdout(), out.Evidence)
				fmt.Fprintf(cmd.OutOrStdout(), "\nreport: %s\n", filepath.Join(out.ReportDir, "report.html"))
			}
			if out != nil && out.Evidence != nil {
				ev := out.Evidence
				if err := stoppedError(ev.Verdict, firstReason(ev, map[evidence.Verdict]string{
					evidence.VerdictHarnessFailed: "the harness failed", evidence.VerdictInterrupted: "interrupted"}[ev.Verdict])); err != nil {
					return err
				}
			}
			if err != nil {
				if out == nil || errors.Is(err, framework.ErrInvalid) || errors.Is(err, framework.ErrRefused) {
					return err
				}
				return &brokenError{err}
			}
			if out.Evidence.Verdict != evidence.VerdictPass {
				return fmt.Errorf("%d of %d drills failed: %w", failedDrills(out.Evidence), len(out.Evidence.Drills), framework.ErrObjectiveFailed)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&dryRun, "dry-run", false, "with --env: run the preflight (existing clusters) and print every drill's fault plan (targets, steps, revert, the Chaos Mesh object) without injecting anything")
	f.StringSliceVar(&o.Suites, "suite", []string{"all"}, "suites to run: zone, node, storage, region, pdb, rpo, all (repeat or comma-separate)")
	f.StringVar(&profile, "profile", string(framework.DefaultProfile), "timing profile of a created environment: production or fast")
	f.StringVar(&o.Platform, "platform", "", `manifests of a created environment: reference (default), remediated, second, or a path`)
	f.StringVar(&o.Workload, "workload", "", "entry workload of a created environment's platform (see gameday up --help)")
	f.StringVar(&o.Provider, "provider", "", "provider of a created environment: "+strings.Join(provider.Names(), ", ")+" (default "+provider.Default+"; existing for a topology naming clusters)")
	f.StringVar(&o.Topology, "topology", "", "topology file of a created environment (default: the embedded two-region one); one naming existing clusters drills them (see gameday up --help)")
	f.StringSliceVar(&o.AllowContexts, "allow-context", nil, "kubeconfig contexts of existing clusters that faults may touch (besides the topology's existing.allowContexts)")
	f.BoolVar(&o.Monitoring, "monitoring", false, "run a created environment with a real Prometheus, Alertmanager and kube-state-metrics per region; the drills record when each of the platform's alerts went pending, fired and resolved (see gameday up --help)")
	f.StringVar(&o.LabelFilter, "label-filter", "", "Ginkgo label filter, e.g. 'zone || pdb'")
	f.StringVar(&o.Env, "env", "", "run against this environment from gameday up instead of creating one")
	f.StringVar(&o.ReportDir, "report-dir", "", "directory for the report bundle (default gameday-reports/RUN-ID)")
	f.BoolVar(&o.Retain, "retain", false, "keep the created environment after the run, for debugging")
	f.Uint64Var(&o.Seed, "seed", 1, "seed for the drills' random choices")
	f.StringVar(&o.KeyFile, "key", "", "ed25519 key to sign the bundle (default: one kept in the state directory)")
	f.StringVar(&o.BinDir, "bin-dir", "", "directory of gameday's binaries and suites/ (default: next to gameday)")
	return cmd
}

// firstReason is the first reason the run gives containing word, or word.
func firstReason(ev *evidence.Evidence, word string) string {
	for _, r := range ev.FailureReasons() {
		if strings.Contains(r, word) {
			return r
		}
	}
	return word
}

func failedDrills(ev *evidence.Evidence) int {
	n := 0
	for _, d := range ev.Drills {
		if d.Verdict != evidence.VerdictPass {
			n++
		}
	}
	return n
}

// printVerdict prints one line per drill and objective, then the verdict.
func printVerdict(w io.Writer, ev *evidence.Evidence) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DRILL\tOBJECTIVE\tREQUIRED\tMEASURED\tRESULT")
	for _, d := range ev.Drills {
		for _, o := range d.Objectives {
			got := "not measured"
			if o.Achieved != nil {
				got = fmt.Sprintf("%.3g %s", *o.Achieved, o.Unit)
				if o.LowerBound {
					got = "≥ " + got
				}
			}
			res := map[evidence.ObjectiveStatus]string{evidence.StatusMet: "met", evidence.StatusMissed: "MISSED", evidence.StatusNotMeasured: "NOT MEASURED"}[o.Outcome()]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Name, o.Name, o.Requirement(), got, res)
		}
		if a := d.Aborted; a != nil {
			fmt.Fprintf(tw, "%s\t%s\t-\t%s\t%s\n", d.Name, a.Cause, a.What, strings.ToUpper(string(d.Verdict)))
		} else if d.Error != "" {
			fmt.Fprintf(tw, "%s\terror\t-\t%s\tERROR\n", d.Name, d.Error)
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, reason := range ev.FailureReasons() {
		fmt.Fprintf(w, "  - %s\n", reason)
	}
	met, total := ev.MetCount()
	notMeasured := ""
	if n := ev.NotMeasuredCount(); n > 0 {
		notMeasured = fmt.Sprintf(", %d not measured", n)
	}
	fmt.Fprintf(w, "verdict: %s (%d of %d objectives met%s, profile %s, run %s)\n", ev.Verdict, met, total, notMeasured, ev.Profile, ev.RunID)
}
