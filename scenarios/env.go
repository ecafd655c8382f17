package scenarios

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/fault"
)

// Env is an environment drills run against.
type Env struct {
	Record   *environment.Record
	Store    environment.Store
	Platform *fixtures.Platform
	Timeouts framework.Timeouts
	Target   *fault.Target
	Agent    *dataplane.Client
	// Clients by region.
	Clients map[string]kubernetes.Interface
	Logger  *slog.Logger
}

// Connect opens an environment `gameday up` created.
func Connect(store environment.Store, name string, log *slog.Logger) (*Env, error) {
	if log == nil {
		log = framework.DiscardLogger()
	}
	rec, err := store.Load(name)
	if err != nil {
		return nil, err
	}
	if rec.Phase != environment.PhaseReady {
		return nil, fmt.Errorf("environment %s is %s, not ready: %w", name, rec.Phase, framework.ErrInvalid)
	}
	if rec.AgentURL == "" {
		return nil, fmt.Errorf("environment %s has no data plane (created with --bare?): %w", name, framework.ErrInvalid)
	}
	plat, err := environment.LoadPlatform(rec.Platform)
	if err != nil {
		return nil, err
	}
	t, err := rec.Timeouts()
	if err != nil {
		return nil, err
	}
	target, err := fault.ForEnvironment(rec, fault.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	e := &Env{Record: rec, Store: store, Platform: plat, Timeouts: t, Target: target,
		Agent: dataplane.NewClient(rec.AgentURL), Clients: map[string]kubernetes.Interface{}, Logger: log}
	for _, r := range rec.Regions {
		c, err := cluster.Client(r.Kubeconfig)
		if err != nil {
			return nil, err
		}
		e.Clients[r.Name] = c
	}
	target.Clients = e.Clients
	return e, nil
}

// Namespace and Deployment of the inference workload.
func (e *Env) Namespace() string  { return e.Target.Namespace }
func (e *Env) Deployment() string { return e.Platform.Deployment.Name }

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

// deployment returns a region's inference Deployment.
func (e *Env) deployment(ctx context.Context, region string) (*appsv1.Deployment, error) {
	return e.Clients[region].AppsV1().Deployments(e.Namespace()).Get(ctx, e.Deployment(), metav1.GetOptions{})
}

// Settle waits until the environment is healthy: every region's inference
// Deployment has its desired replicas Ready and no fault is open.
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
			d, err := e.deployment(ctx, r.Name)
			if err != nil {
				why = fmt.Sprintf("region %s: %v", r.Name, err)
				return false, nil
			}
			want := replicas(d)
			if d.Status.ReadyReplicas != want || d.Status.Replicas != want {
				why = fmt.Sprintf("region %s: %d/%d replicas ready (%d exist)", r.Name, d.Status.ReadyReplicas, want, d.Status.Replicas)
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("environment %s is not healthy after %s: %s: %w", e.Record.Name, e.Timeouts.PodsReady, why, err)
	}
	return e.Agent.WaitSettled(ctx, e.Timeouts.PodsReady, e.Timeouts.Poll)
}

func replicas(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// holdFor sizes a fault's hold from the profile when the scenario leaves it zero.
func holdFor(kind fault.Kind, t framework.Timeouts) time.Duration {
	switch kind {
	case fault.NodeLoss, fault.ZoneOutage:
		// Long enough for NotReady (grace plus one monitor period), the
		// taint-based eviction and the replacements' probes, with margin:
		// in the fast profile capacity is back about 21-22 s after the node
		// is lost. (A miss once blamed on a loaded machine was
		// kube-controller-manager never tainting: see
		// framework.NodeEvictionRateOK.)
		return t.NodeMonitorGracePeriod + t.NodeMonitorPeriod + t.UnreachableToleration + t.Scale(150*time.Second)
	case fault.RegionOutage:
		return max(t.Scale(300*time.Second), 4*t.HealthCheckInterval*time.Duration(t.HealthCheckThreshold))
	case fault.Drain:
		return max(t.Scale(120*time.Second), 5*time.Second)
	case fault.StorageOutage:
		return max(t.Scale(150*time.Second), 10*time.Second)
	}
	return t.Scale(60 * time.Second)
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
	return 2*t.PodsReady + baselineFor(t) + hold + recoveryFor(t) + time.Minute
}
