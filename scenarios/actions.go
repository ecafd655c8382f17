package scenarios

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/timer"
)

// scheduleActions starts the runbook's actions on their timers from the
// fault's injection; the channel closes when all have run or been skipped.
func (d *drill) scheduleActions(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, a := range d.s.Actions {
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
		dep, err := d.env.deployment(ctx, region)
		if err != nil {
			return err
		}
		d.mu.Lock()
		if _, saved := d.restore[region]; !saved {
			d.restore[region] = replicas(dep)
		}
		d.mu.Unlock()
		d.log.Info("runbook: scale", "region", region, "replicas", a.Replicas)
		return scale(ctx, d.env, region, a.Replicas)
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
		p, err := fault.Prepare(ctx, d.env.Target, fault.Spec{Kind: fault.PodKill, Region: region})
		if err != nil {
			return err
		}
		d.log.Info("runbook: kill a pod", "pods", p.Pods)
		_, err = fault.Inject(ctx, d.env.Target, p)
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

// scale sets a region's inference replicas.
func scale(ctx context.Context, env *Env, region string, n int32) error {
	patch := fmt.Sprintf(`{"spec":{"replicas":%d}}`, n)
	_, err := env.Clients[region].AppsV1().Deployments(env.Namespace()).Patch(ctx, env.Deployment(), types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("scale %s in %s to %d: %w", env.Deployment(), region, n, err)
	}
	return nil
}

// alertDelay is how long after a fault the platform's alert would fire:
// its `for:` duration, scaled by the profile. The alert's condition is taken
// to turn true at once, so this is the shortest possible detection.
func alertDelay(env *Env, name string) (time.Duration, error) {
	pr := env.Platform.PrometheusRule
	if pr == nil {
		return 0, fmt.Errorf("alert %s: the platform has no PrometheusRule", name)
	}
	groups, _, _ := unstructured.NestedSlice(pr.Object, "spec", "groups")
	for _, g := range groups {
		gm, _ := g.(map[string]any)
		rules, _, _ := unstructured.NestedSlice(gm, "rules")
		for _, rule := range rules {
			r, _ := rule.(map[string]any)
			if r["alert"] != name {
				continue
			}
			forStr, _, _ := unstructured.NestedString(r, "for")
			if forStr == "" {
				return 0, nil
			}
			d, err := time.ParseDuration(forStr)
			if err != nil {
				return 0, fmt.Errorf("alert %s: for %q: %w", name, forStr, err)
			}
			return env.Timeouts.Scale(d), nil
		}
	}
	return 0, fmt.Errorf("alert %s is not in the platform's PrometheusRule", name)
}
