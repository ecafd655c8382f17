package scenarios

import (
	"context"
	"errors"
	"fmt"
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

// scheduleActions starts the runbook's actions on their timers from the
// fault's injection; the channel closes when all have run or been skipped.
func (d *drill) scheduleActions(ctx context.Context, actions []Action) <-chan struct{} {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, a := range actions {
		delay, alert, _ := parseAfter(a.After)
		rec := actionRecord{Action: a}
		if alert != "" {
			var err error
			if delay, err = alertDelay(d.env, alert); err != nil {
				rec.Err = err.Error()
				d.record(rec)
				continue
			}
		}
		if delay > d.hold {
			rec.Err = fmt.Sprintf("not taken: due %s after the fault, which lasts %s", delay, d.hold)
			d.record(rec)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !timer.Pause(ctx, delay) {
				return
			}
			rec.At = time.Now()
			if err := d.do(ctx, a, &rec); err != nil {
				rec.Err = err.Error()
				d.log.Warn("runbook action failed", "do", a.Do, "err", err)
			}
			d.record(rec)
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}

func (d *drill) record(r actionRecord) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.actions = append(d.actions, r)
}

// do carries out one action.
func (d *drill) do(ctx context.Context, a Action, rec *actionRecord) error {
	region, err := d.env.regionByRole(a.Region)
	if err != nil {
		return err
	}
	rec.Region = region
	switch a.Do {
	case "scale":
		if a.Replicas == 0 {
			return fmt.Errorf("the runbook scales no workload under test in %s (no `kubectl scale deployment` command whose context resolves to it)", region)
		}
		w, err := d.env.workloadNamed(a.Workload)
		if err != nil {
			return err
		}
		dep, err := d.env.deployment(ctx, region, w)
		if err != nil {
			return err
		}
		key := scaled{region: region, workload: w.Name()}
		d.mu.Lock()
		if _, saved := d.restore[key]; !saved {
			d.restore[key] = replicas(dep)
		}
		d.mu.Unlock()
		d.log.Info("runbook: scale", "region", region, "workload", w.Name(), "replicas", a.Replicas)
		return scale(ctx, d.env, region, w, a.Replicas)
	case "switch-traffic":
		// The runbook's DNS change: the region leaves the global load
		// balancer's rotation until the drill fails back after the revert.
		id := fmt.Sprintf("%s-dns-%s", d.s.Name, region)
		until := time.Now().Add(d.hold + s(d.s.Recovery, recoveryFor(d.env.Timeouts)) + time.Minute)
		d.log.Info("runbook: switch traffic away", "region", region)
		if err := d.env.Agent.Inject(ctx, id, dataplane.FaultSpec{Kind: dataplane.OutOfRotation, Regions: []string{region}, Until: until}); err != nil {
			return err
		}
		d.mu.Lock()
		d.failback = append(d.failback, id)
		d.mu.Unlock()
		return nil
	case "pod-kill":
		t, err := d.target(a.Workload)
		if err != nil {
			return err
		}
		p, err := fault.Prepare(ctx, t, fault.Spec{Kind: fault.PodKill, Region: region})
		if err != nil {
			return err
		}
		d.log.Info("runbook: kill a pod", "pods", p.Pods)
		_, err = fault.Inject(ctx, t, p)
		return err
	}
	return fmt.Errorf("unknown action %q: %w", a.Do, framework.ErrInvalid)
}

// failBack puts regions the runbook switched traffic away from back in
// rotation (after the fault is reverted, or at cleanup).
func (d *drill) failBack(ctx context.Context) {
	d.mu.Lock()
	ids := d.failback
	d.failback = nil
	d.mu.Unlock()
	for _, id := range ids {
		if err := d.env.Agent.Revert(ctx, id); err != nil && !errors.Is(err, framework.ErrNotFound) {
			d.log.Warn("fail back", "id", id, "err", err)
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
		if r.name != name {
			continue
		}
		if r.forText == "" {
			return 0, nil
		}
		d, err := time.ParseDuration(r.forText)
		if err != nil {
			return 0, fmt.Errorf("alert %s: for %q: %w", name, r.forText, err)
		}
		return env.Timeouts.Scale(d), nil
	}
	return 0, fmt.Errorf("alert %s is not in the platform's PrometheusRules", name)
}
