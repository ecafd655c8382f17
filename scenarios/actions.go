package scenarios

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/timer"
)

// runbook carries out a drill's runbook actions on their timers and
// remembers what they changed, to undo it after the drill.
type runbook struct {
	env *Env
	log interface {
		Info(string, ...any)
		Warn(string, ...any)
	}
	// name prefixes the data-plane faults it injects (the drill's name).
	name string
	// hold is the fault's; an action due later is not taken. until bounds
	// a traffic switch (the hold, the recovery window and a margin).
	hold, until time.Duration

	// cancel and done end the scheduled actions (stop).
	cancel context.CancelFunc
	done   <-chan struct{}

	mu       sync.Mutex
	restore  map[scaled]int32 // Deployments scaled -> replicas to restore
	failback []string         // agent IDs of regions switched out of rotation
	taken    []actionRecord
}

type actionRecord struct {
	Action Action
	Region string
	At     time.Time
	Err    string
}

// schedule starts the actions on their timers from now (the fault's
// injection); the channel closes when all have run or been skipped.
func (rb *runbook) schedule(ctx context.Context, actions []Action) <-chan struct{} {
	done := make(chan struct{})
	ctx, rb.cancel = context.WithCancel(ctx)
	rb.done = done
	var wg sync.WaitGroup
	for _, a := range actions {
		delay, alert, _ := parseAfter(a.After)
		rec := actionRecord{Action: a}
		if alert != "" {
			var err error
			if delay, err = alertDelay(rb.env, alert); err != nil {
				rec.Err = err.Error()
				rb.record(rec)
				continue
			}
		}
		if delay > rb.hold {
			rec.Err = fmt.Sprintf("not taken: due %s after the fault, which lasts %s", delay, rb.hold)
			rb.record(rec)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !timer.Pause(ctx, delay) {
				return
			}
			rec.At = time.Now()
			if err := rb.do(ctx, a, &rec); err != nil {
				rec.Err = err.Error()
				rb.log.Warn("runbook action failed", "do", a.Do, "err", err)
			}
			rb.record(rec)
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}

func (rb *runbook) record(r actionRecord) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.taken = append(rb.taken, r)
}

// actions returns what was taken or skipped so far.
func (rb *runbook) actions() []actionRecord {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return slices.Clone(rb.taken)
}

// do carries out one action.
func (rb *runbook) do(ctx context.Context, a Action, rec *actionRecord) error {
	region, err := rb.env.regionByRole(a.Region)
	if err != nil {
		return err
	}
	rec.Region = region
	switch a.Do {
	case "scale":
		if a.Replicas == 0 {
			return fmt.Errorf("the runbook scales no workload under test in %s (no `kubectl scale deployment` command whose context resolves to it)", region)
		}
		w, err := rb.env.workloadNamed(a.Workload)
		if err != nil {
			return err
		}
		dep, err := rb.env.deployment(ctx, region, w)
		if err != nil {
			return err
		}
		key := scaled{region: region, workload: w.Name()}
		rb.mu.Lock()
		if _, saved := rb.restore[key]; !saved {
			rb.restore[key] = replicas(dep)
		}
		rb.mu.Unlock()
		rb.log.Info("runbook: scale", "region", region, "workload", w.Name(), "replicas", a.Replicas)
		return scale(ctx, rb.env, region, w, a.Replicas)
	case "switch-traffic":
		// The runbook's DNS change: the region leaves the global load
		// balancer's rotation until the drill fails back after the revert.
		id := fmt.Sprintf("%s-dns-%s", rb.name, region)
		rb.log.Info("runbook: switch traffic away", "region", region)
		if rb.env.Agent == nil {
			return fmt.Errorf("runbook: switch traffic away from %s: the DNS switch is gameday's global load balancer's, and existing clusters are behind the user's: %w", region, framework.ErrInvalid)
		}
		if err := rb.env.Agent.Inject(ctx, id, dataplane.FaultSpec{Kind: dataplane.OutOfRotation, Regions: []string{region}, Until: time.Now().Add(rb.until)}); err != nil {
			return err
		}
		rb.mu.Lock()
		rb.failback = append(rb.failback, id)
		rb.mu.Unlock()
		return nil
	case "pod-kill":
		t, err := rb.env.faultTarget(a.Workload)
		if err != nil {
			return err
		}
		p, err := fault.Prepare(ctx, t, fault.Spec{Kind: fault.PodKill, Region: region})
		if err != nil {
			return err
		}
		rb.log.Info("runbook: kill a pod", "pods", p.Pods)
		_, err = fault.Inject(ctx, t, p)
		return err
	}
	return fmt.Errorf("unknown action %q: %w", a.Do, framework.ErrInvalid)
}

// failBack puts regions the runbook switched traffic away from back in
// rotation (after the fault is reverted, or at cleanup).
func (rb *runbook) failBack(ctx context.Context) {
	rb.mu.Lock()
	ids := rb.failback
	rb.failback = nil
	rb.mu.Unlock()
	for _, id := range ids {
		if err := rb.env.Agent.Revert(ctx, id); err != nil && !errors.Is(err, framework.ErrNotFound) {
			rb.log.Warn("fail back", "id", id, "err", err)
		}
	}
}

// stop cancels the actions not yet taken and waits for those running.
func (rb *runbook) stop() {
	if rb.cancel == nil {
		return
	}
	rb.cancel()
	<-rb.done
}

// undo stops the actions still due, fails back and restores every
// Deployment the runbook scaled, then waits until the environment settles.
func (rb *runbook) undo(ctx context.Context) {
	rb.stop()
	rb.failBack(ctx)
	rb.mu.Lock()
	restore := rb.restore
	rb.restore = map[scaled]int32{}
	rb.mu.Unlock()
	for k, n := range restore {
		w, err := rb.env.workloadNamed(k.workload)
		if err == nil {
			err = scale(ctx, rb.env, k.region, w, n)
		}
		if err != nil {
			rb.log.Warn("restore replicas", "region", k.region, "workload", k.workload, "err", err)
		}
	}
	if len(restore) > 0 {
		if err := rb.env.Settle(ctx); err != nil {
			rb.log.Warn("environment did not settle after the drill", "err", err)
		}
	}
}

// scaled names a Deployment the runbook scaled: its replicas are restored
// after the drill.
type scaled struct{ region, workload string }

// scale sets a workload's replicas in a region.
func scale(ctx context.Context, env *Env, region string, w fixtures.Workload, n int32) error {
	patch := fmt.Sprintf(`{"spec":{"replicas":%d}}`, n)
	_, err := env.Clients[region].AppsV1().Deployments(w.Namespace).Patch(ctx, w.Deployment.Name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("scale %s in %s to %d: %w", w.Name(), region, n, err)
	}
	return nil
}

// runbookAlert stands for "the alert that starts the runbook" (After: alert).
const runbookAlert = "(the runbook's alert)"

// alertDelay is how long after a fault the platform's alert would fire:
// its `for:` duration, scaled by the profile. The alert's condition is taken
// to turn true at once, so this is the shortest possible detection.
func alertDelay(env *Env, name string) (time.Duration, error) {
	if name == runbookAlert {
		n, why, err := env.runbookAlert()
		if err != nil {
			return 0, err
		}
		env.Logger.Info("the runbook starts with an alert", "alert", n, "why", why)
		name = n
	}
	rules := env.alertRules()
	if len(rules) == 0 {
		return 0, fmt.Errorf("alert %s: the platform has no PrometheusRule", name)
	}
	for _, r := range rules {
		if r.Alert != name {
			continue
		}
		if r.For == "" {
			return 0, nil
		}
		d, err := time.ParseDuration(r.For)
		if err != nil {
			return 0, fmt.Errorf("alert %s: for %q: %w", name, r.For, err)
		}
		return env.Timeouts.Scale(d), nil
	}
	return 0, fmt.Errorf("alert %s is not in the platform's PrometheusRules", name)
}
