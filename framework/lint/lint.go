package lint

import (
	"context"
	"fmt"
	"time"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

// Defaults of the options.
const (
	// DefaultRTO is the recovery time objective of the reference runbook.
	DefaultRTO = 30 * time.Minute
	// DefaultRPO is the recovery point objective of the reference runbook.
	DefaultRPO = time.Hour
	// DefaultEvaluationInterval is Prometheus' default rule evaluation
	// interval, assumed for rule groups that set none.
	DefaultEvaluationInterval = time.Minute
)

// Option configures Lint.
type Option func(*Input) error

// WithRTO sets the recovery time objective (default DefaultRTO).
func WithRTO(d time.Duration) Option {
	return func(in *Input) error {
		if d <= 0 {
			return fmt.Errorf("RTO must be positive, got %s: %w", d, framework.ErrInvalid)
		}
		in.RTO = d
		return nil
	}
}

// WithRPO sets the recovery point objective (default DefaultRPO).
func WithRPO(d time.Duration) Option {
	return func(in *Input) error {
		if d <= 0 {
			return fmt.Errorf("RPO must be positive, got %s: %w", d, framework.ErrInvalid)
		}
		in.RPO = d
		return nil
	}
}

// WithTopology sets the topology the manifests are deployed on (default:
// fixtures.DefaultTopology, two regions of two 3-node zones of 8 GPUs).
func WithTopology(t *topology.Topology) Option {
	return func(in *Input) error {
		if t == nil || len(t.Regions) == 0 {
			return fmt.Errorf("topology has no regions: %w", framework.ErrInvalid)
		}
		in.Topology = t
		return nil
	}
}

// WithEvaluationInterval sets the Prometheus rule evaluation interval assumed
// for groups that set none (default DefaultEvaluationInterval).
func WithEvaluationInterval(d time.Duration) Option {
	return func(in *Input) error {
		if d <= 0 {
			return fmt.Errorf("evaluation interval must be positive, got %s: %w", d, framework.ErrInvalid)
		}
		in.EvaluationInterval = d
		return nil
	}
}

// Input is what every rule checks: the manifests, the topology and the
// objectives.
type Input struct {
	Platform           *fixtures.Platform
	Topology           *topology.Topology
	RTO, RPO           time.Duration
	EvaluationInterval time.Duration

	workloads     []*workload               // derived once, shared by the rules
	cadences      map[string]cadenceResult  // cron schedules measured so far
	relations     []*fixtures.RelationError // failed relations, once relationsDone
	relationsDone bool
}

// Lint runs every rule of Rules on p and returns the findings, sorted. It
// fails only on bad options or a cancelled context; problems in the
// manifests are findings.
func Lint(ctx context.Context, p *fixtures.Platform, opts ...Option) (*Report, error) {
	in := &Input{Platform: p, RTO: DefaultRTO, RPO: DefaultRPO, EvaluationInterval: DefaultEvaluationInterval}
	for _, o := range opts {
		if err := o(in); err != nil {
			return nil, err
		}
	}
	if p == nil {
		return nil, fmt.Errorf("no manifests to lint: %w", framework.ErrInvalid)
	}
	if in.Topology == nil {
		t, err := fixtures.DefaultTopology()
		if err != nil {
			return nil, fmt.Errorf("default topology: %w", err)
		}
		in.Topology = t
	}
	in.workloads = workloadsOf(p)
	rep := &Report{RTO: in.RTO, RPO: in.RPO, Topology: in.Topology.Metadata.Name}
	for _, r := range Rules() {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("lint: %w", err)
		}
		m := r.Meta()
		for _, f := range r.Check(ctx, in) {
			if f.Rule == "" {
				f.Rule = m.ID
			}
			if f.Severity == "" {
				f.Severity = m.Severity
			}
			rep.Findings = append(rep.Findings, f)
		}
	}
	sortFindings(rep.Findings)
	return rep, nil
}
