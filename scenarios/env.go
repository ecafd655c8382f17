package scenarios

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/provider"
)

// Env is an environment drills run against: the opened environment and
// the target its faults run against.
type Env struct {
	*environment.Env
	Target *fault.Target
}

// Connect opens an environment `gameday up` created with a data plane, or
// one of existing clusters (whose data plane is the user's: no agent).
func Connect(store environment.Store, name string, log *slog.Logger) (*Env, error) {
	e, err := environment.Open(store, name, log)
	if err != nil {
		return nil, err
	}
	if e.Agent == nil && e.Record.Provider != provider.Existing {
		return nil, fmt.Errorf("environment %s has no data plane (created with --bare?): %w", name, framework.ErrInvalid)
	}
	return &Env{Env: e, Target: e.FaultTarget(environment.FaultOptions{})}, nil
}

// Namespace of the entry workload (the one clients call); "" without one.
func (e *Env) Namespace() string {
	if len(e.Workloads) == 0 {
		return ""
	}
	return e.Workloads[0].Namespace
}

// regionByRole resolves "primary", "dr", "" (primary) or a region name.
func (e *Env) regionByRole(r string) (string, error) {
	switch r {
	case "", "primary":
		p, err := e.Record.Primary()
		if err != nil {
			return "", err
		}
		return p.Name, nil
	case "dr":
		d, err := e.Record.DR()
		if err != nil {
			return "", err
		}
		return d.Name, nil
	}
	if _, err := e.Record.Region(r); err != nil {
		return "", err
	}
	return r, nil
}

// deployment returns a workload's Deployment in a region.
func (e *Env) deployment(ctx context.Context, region string, w fixtures.Workload) (*appsv1.Deployment, error) {
	return e.Clients[region].AppsV1().Deployments(w.Namespace).Get(ctx, w.Deployment.Name, metav1.GetOptions{})
}

// Settle waits until the environment is healthy: in every region, every
// workload under test has its desired replicas Ready, and no fault is open.
func (e *Env) Settle(ctx context.Context) error {
	var why string
	err := wait.PollUntilContextTimeout(ctx, e.Timeouts.Poll, e.Timeouts.PodsReady, true, func(ctx context.Context) (bool, error) {
		open, err := fault.Active(e.Target)
		if err != nil {
			return false, err
		}
		if len(open) > 0 {
			why = fmt.Sprintf("fault %s is still open (gameday recover reverts it)", open[0].ID)
			return false, nil
		}
		for _, r := range e.Record.Regions {
			for _, w := range e.Workloads {
				d, err := e.deployment(ctx, r.Name, w)
				if err != nil {
					why = fmt.Sprintf("region %s: %v", r.Name, err)
					return false, nil
				}
				want := replicas(d)
				if d.Status.ReadyReplicas != want || d.Status.Replicas != want {
					why = fmt.Sprintf("region %s: %s: %d/%d replicas ready (%d exist)", r.Name, w.Name(), d.Status.ReadyReplicas, want, d.Status.Replicas)
					return false, nil
				}
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("environment %s is not healthy after %s: %s: %w", e.Record.Name, e.Timeouts.PodsReady, why, err)
	}
	if e.Agent == nil {
		return nil // the user's data plane: its Deployments' readiness is what gameday sees
	}
	return e.Agent.WaitSettled(ctx, e.Timeouts.PodsReady, e.Timeouts.Poll)
}

func replicas(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// holdFor sizes a fault's hold from the profile when the scenario leaves
// it zero: each fault kind says how long it needs.
func holdFor(kind fault.Kind, t framework.Timeouts) time.Duration {
	d, err := fault.DefaultHold(kind, t)
	if err != nil {
		return t.Scale(60 * time.Second)
	}
	return d
}

func baselineFor(t framework.Timeouts) time.Duration {
	return max(t.Scale(30*time.Second), 3*time.Second)
}
func recoveryFor(t framework.Timeouts) time.Duration {
	return t.Scale(180*time.Second) + 2*t.StabilityWindow
}

// Budget is the longest a scenario may take in a profile: settling, its
// phases, recovery and cleanup, with margin. Suites size spec timeouts from it.
func (s *Scenario) Budget(t framework.Timeouts) time.Duration {
	if s.Type == TypeRPO {
		return 10 * time.Minute
	}
	hold := s.Fault.Hold.D()
	if hold == 0 {
		hold = holdFor(fault.Kind(s.Fault.Kind), t)
	}
	// With monitoring a hold may grow until the fault's alerts can fire
	// (holdForAlerts): the longest for: of the platform's rules is not known
	// here, so the budget allows a production-sized one (10m, scaled).
	return 2*t.PodsReady + baselineFor(t) + hold + t.Scale(10*time.Minute) + recoveryFor(t) + time.Minute
}
