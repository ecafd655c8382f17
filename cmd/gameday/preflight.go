package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/scenarios"
)

func newPreflightCmd() *cobra.Command {
	var (
		ef     envFlags
		out    outputFlag
		suites []string
		faults []string
	)
	cmd := &cobra.Command{
		Use:   "preflight",
		Short: "Check that drills can run on an environment's clusters, one line per check",
		Long: `Check, per region, what the suites' drills need on the environment's clusters
(existing clusters above all, which gameday did not create):

  reachable        the API server answers; its version
  namespace-label  the platform's namespace is labelled gameday.io/chaos=enabled
  workload         the workload under test, its PodDisruptionBudget and Services exist
  rbac             every permission measuring and the suites' faults need
                   (SelfSubjectAccessReview per verb and resource)
  chaos-mesh       the CRDs of the Chaos Mesh kinds the faults apply, and a running controller
  chaos-daemon     chaos-daemon on the workload's nodes, for NetworkChaos
  clock-skew       the API server's clock against this machine's

A fault the provider cannot carry out is listed with the reason. gameday run
runs the same checks before the first drill on an existing environment.
Exits 0 when everything passed, 2 when anything is missing (nothing is touched).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kinds, err := scenarios.SuiteFaults(suites)
			if err != nil {
				return err
			}
			if len(faults) > 0 {
				if cmd.Flags().Changed("suite") {
					return fmt.Errorf("--fault and --suite: name the faults or the suites, not both: %w", framework.ErrInvalid)
				}
				kinds = nil
				for _, f := range faults {
					if _, err := fault.Lookup(fault.Kind(f)); err != nil {
						return err
					}
					kinds = append(kinds, fault.Kind(f))
				}
			}
			e, err := environment.Open(store(), ef.name, framework.Logger(cmd.Context()))
			if err != nil {
				return err
			}
			rep, err := e.Preflight(cmd.Context(), kinds)
			if err != nil {
				return err
			}
			if out.format == "json" {
				if err := writeJSON(cmd.OutOrStdout(), rep); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "preflight of %s (provider %s) for faults %v:\n", e.Record.Name, e.Record.Provider, kinds)
				rep.Print(cmd.OutOrStdout())
			}
			return rep.Error()
		},
	}
	ef.add(cmd)
	out.add(cmd, "text", "json")
	cmd.Flags().StringSliceVar(&suites, "suite", []string{"all"}, "check for these suites' faults: zone, node, storage, region, pdb, rpo, all")
	cmd.Flags().StringSliceVar(&faults, "fault", nil, "check for these fault kinds instead (see gameday inject --help), e.g. pod-kill")
	return cmd
}
