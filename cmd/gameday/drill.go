package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/scenarios"
)

func newDrillCmd() *cobra.Command {
	var (
		ef   envFlags
		file string
		out  outputFlag
		seed uint64
	)
	cmd := &cobra.Command{
		Use:   "drill [SCENARIO]",
		Short: "Run one drill against an environment from gameday up",
		Long: `Run one scenario against a running environment (gameday up) and print its
objectives with the measured values. Scenarios: ` + fmt.Sprint(scenarios.Names()) + `,
or a scenario file with -f (format: docs/scenarios.md). Exits 1 when an objective is missed, 3 when
gameday's own harness failed during the drill (a process it started died or
stopped answering, the load stalled), 4 when interrupted; in both the
objectives are "not measured".
For a full run with reports, use gameday run.`,
		Example: `  gameday drill zone-outage --name demo
  gameday drill -f my-scenario.yaml --name demo -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := pickScenario(args, file)
			if err != nil {
				return err
			}
			log := framework.Logger(cmd.Context())
			env, err := scenarios.Connect(store(), ef.name, log)
			if err != nil {
				return err
			}
			progress := load.NewProgressWriter(cmd.ErrOrStderr())
			res, err := scenarios.Run(cmd.Context(), env, s, scenarios.Options{Progress: progress.Update, Seed: seed})
			progress.Close()
			if res != nil {
				if out.format == "json" {
					if werr := writeJSON(cmd.OutOrStdout(), res); werr != nil {
						return werr
					}
				} else {
					printDrill(cmd.OutOrStdout(), &res.Drill)
				}
			}
			if res != nil && res.Drill.Aborted != nil {
				return stoppedError(res.Drill.Aborted.Verdict(), res.Drill.Aborted.Sentence())
			}
			if err != nil {
				return err
			}
			if !res.Passed() {
				return fmt.Errorf("drill %s failed: %w", s.Name, framework.ErrObjectiveFailed)
			}
			return nil
		},
	}
	ef.add(cmd)
	out.add(cmd, "text", "json")
	cmd.Flags().StringVarP(&file, "file", "f", "", "scenario file (YAML, kind Scenario)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed for random choices")
	return cmd
}

func pickScenario(args []string, file string) (*scenarios.Scenario, error) {
	switch {
	case file != "" && len(args) > 0:
		return nil, &usageError{fmt.Errorf("give a scenario name or -f FILE, not both")}
	case file != "":
		return scenarios.LoadFile(file)
	case len(args) == 1:
		return scenarios.Builtin(args[0])
	}
	return nil, &usageError{fmt.Errorf("name a scenario (%v) or give -f FILE", scenarios.Names())}
}

// printDrill prints a drill's verdict, objectives and findings.
func printDrill(w io.Writer, d *evidence.Drill) {
	fmt.Fprintf(w, "drill %s: %s (%s)\n", d.Name, d.Verdict, d.Duration().Round(100_000_000))
	if d.Aborted != nil {
		fmt.Fprintf(w, "  %s: no objective was judged\n", d.Aborted.Sentence())
	} else if d.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", d.Error)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  OBJECTIVE\tREQUIRED\tMEASURED\tMET")
	for _, o := range d.Objectives {
		measured := "not measured"
		if o.Achieved != nil {
			measured = fmt.Sprintf("%.3g %s", *o.Achieved, o.Unit)
			if o.LowerBound {
				measured = "≥ " + measured
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%v\n", o.Name, o.Requirement(), measured, o.Met)
	}
	tw.Flush()
	for _, o := range d.Objectives {
		if !o.Met && o.Detail != "" && d.Aborted == nil {
			fmt.Fprintf(w, "  why %s missed: %s\n", o.Name, o.Detail)
		}
	}
	for _, f := range d.Findings {
		fmt.Fprintf(w, "  finding [%s] %s: %s\n", f.Severity, f.ID, f.Message)
	}
}
