package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/lint"
	"gameday.io/gameday/framework/topology"
)

// errLintFindings marks a lint run with error-level findings (exit 1).
var errLintFindings = errors.New("lint found errors")

type lintOptions struct {
	topology string
	rto, rpo time.Duration
	output   string
}

func newLintCmd() *cobra.Command {
	o := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Find disaster-recovery gaps in manifests before injecting any fault",
		Long: `lint reads Kubernetes manifests (files, or the manifest files directly inside
directories; multi-document YAML) and checks them against the recovery objectives
and the topology: PodDisruptionBudgets and topology spread after a zone loss, GPU
headroom, the DR region's capacity for the runbook, backup schedules against the
RPO, probe and alert timings against the RTO, failover targets, alerts that can
never fire. Without PATH it lints the embedded reference platform.

Each finding has a rule id, a severity, file:line and a suggested fix.
Exit codes: 0 no error-level finding, 1 error-level findings, 2 bad input.`,
		Example: `  gameday lint
  gameday lint fixtures/remediated/ --rpo 1h --rto 30m
  gameday lint k8s/ --topology fixtures/topologies/two-region.yaml -o sarif > lint.sarif`,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.topology, "topology", "", "topology file (default: the embedded "+fixtures.DefaultTopologyFile+")")
	f.DurationVar(&o.rto, "rto", lint.DefaultRTO, "recovery time objective")
	f.DurationVar(&o.rpo, "rpo", lint.DefaultRPO, "recovery point objective")
	f.StringVarP(&o.output, "output", "o", lint.FormatText, "output format: "+strings.Join(lint.Formats, ", "))
	return cmd
}

func (o *lintOptions) run(cmd *cobra.Command, paths []string) error {
	if !slices.Contains(lint.Formats, o.output) {
		return &usageError{fmt.Errorf("--output %q: want one of %s", o.output, strings.Join(lint.Formats, ", "))}
	}
	var (
		p   *fixtures.Platform
		err error
	)
	if len(paths) == 0 {
		p, err = fixtures.Reference()
	} else {
		p, err = fixtures.Load(paths...)
	}
	if err != nil {
		return err
	}
	opts := []lint.Option{lint.WithRTO(o.rto), lint.WithRPO(o.rpo)}
	if o.topology != "" {
		t, err := topology.Load(o.topology)
		if err != nil {
			if errors.Is(err, framework.ErrNotFound) {
				return fmt.Errorf("%w: %w", framework.ErrInvalid, err)
			}
			return err
		}
		opts = append(opts, lint.WithTopology(t))
	}
	rep, err := lint.Lint(cmd.Context(), p, opts...)
	if err != nil {
		return err
	}
	if err := lint.WriteReport(cmd.OutOrStdout(), rep, o.output); err != nil {
		return err
	}
	if rep.HasErrors() {
		return fmt.Errorf("%d error-level findings: %w", rep.Count(lint.SeverityError), errLintFindings)
	}
	return nil
}
