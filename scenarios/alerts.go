package scenarios

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/dynamic"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/monitoring"
	"gameday.io/gameday/framework/sensor"
	"gameday.io/gameday/framework/timer"
)

// alertWatch follows the alerts of each region's Prometheus while a drill
// runs, in environments brought up with monitoring (`up --monitoring`):
// the drill's events then say when each of the platform's alerts went
// pending, fired and resolved, beside what the control plane did.
type alertWatch struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	poll   time.Duration
	// settle bounds the wait at the end for the alerts the fault raised to
	// resolve: a scrape that sees the recovery and an evaluation after it.
	settle  time.Duration
	regions []regionAlerts
}

type regionAlerts struct {
	name string
	h    *monitoring.History
}

// watchAlerts starts one poller per region whose data plane runs a
// Prometheus; it starts none without monitoring.
func (d *drill) watchAlerts(ctx context.Context) error {
	if d.env.Agent == nil || !d.env.Record.Monitoring {
		return nil
	}
	st, err := d.env.Agent.Status(ctx)
	if err != nil {
		return fmt.Errorf("ask the data plane for its monitoring: %w", err)
	}
	// Prometheus changes an alert's state once per evaluation; three polls
	// per evaluation time each change to a third of an interval.
	interval := monitoring.Interval(d.env.Timeouts)
	w := &alertWatch{poll: max(interval/3, 100*time.Millisecond), settle: 3 * interval}
	wctx, cancel := context.WithCancel(ctx)
	w.ctx, w.cancel = wctx, cancel
	log := d.env.Logger
	for _, r := range st.Regions {
		if r.Monitoring == nil {
			continue
		}
		ra := regionAlerts{name: r.Name, h: monitoring.NewHistory(time.Now())}
		w.regions = append(w.regions, ra)
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			_ = monitoring.Watch(wctx, monitoring.NewClient(r.Monitoring.PrometheusURL), ra.h, w.poll, log.With("region", r.Name))
		}()
	}
	if len(w.regions) == 0 {
		cancel()
		return nil
	}
	d.alerts = w
	return nil
}

// settleTime is how long the watch waited for alerts to resolve.
func (w *alertWatch) settleTime() time.Duration {
	if w == nil {
		return 0
	}
	return w.settle
}

// stop ends the pollers and returns every alert transition as a cluster
// event ("alert/NAME"), and how many polls failed. Alerts that went active
// at or after since (the injection; zero: none) and are still active get
// up to the settle time to resolve first, so the drill says whether they
// resolved after the revert.
func (w *alertWatch) stop(since time.Time) (events []measure.ClusterEvent, failed, polls int) {
	if w == nil {
		return nil, 0, 0
	}
	if !since.IsZero() {
		deadline := time.Now().Add(w.settle)
		for _, r := range w.regions {
			for len(r.h.ActiveSince(since)) > 0 && time.Now().Before(deadline) {
				if !timer.Pause(w.ctx, w.poll) {
					break
				}
			}
		}
	}
	w.cancel()
	w.wg.Wait()
	for _, r := range w.regions {
		ok, bad := r.h.Polls()
		polls, failed = polls+ok+bad, failed+bad
		for _, t := range r.h.Transitions() {
			events = append(events, measure.ClusterEvent{At: t.At, Region: r.name, Object: "alert/" + t.Alert, Event: alertEvent(t)})
		}
	}
	return events, failed, polls
}

// alertEvent reads "firing {severity=critical}": the new state and the
// alert's labels other than its name.
func alertEvent(t monitoring.Transition) string {
	labels := monitoring.LabelList(t.Labels, "alertname")
	if labels == "" {
		return t.To
	}
	return t.To + " {" + labels + "}"
}

// alertKey is one alert in one region.
type alertKey struct{ region, alert string }

// firstAlertStates gives, per region and alert (in the order they first
// appear), when it first went pending and first fired at or after
// injected, and first resolved at or after reverted (none when reverted is
// zero): the first transitions the drill's alert events show.
func firstAlertStates(events []measure.ClusterEvent, injected, reverted time.Time) ([]alertKey, map[alertKey]map[string]time.Time) {
	var order []alertKey
	first := map[alertKey]map[string]time.Time{}
	for _, e := range events {
		name, ok := strings.CutPrefix(e.Object, "alert/")
		if !ok || e.At.Before(injected) {
			continue
		}
		state, _, _ := strings.Cut(e.Event, " ")
		if state == monitoring.StateResolved && (reverted.IsZero() || e.At.Before(reverted)) {
			continue
		}
		k := alertKey{e.Region, name}
		if first[k] == nil {
			first[k] = map[string]time.Time{}
			order = append(order, k)
		}
		if _, seen := first[k][state]; !seen {
			first[k][state] = e.At
		}
	}
	return order, first
}

// alertMetrics gives, per region and alert, when it first went pending and
// first fired after the fault, and when it resolved after the revert began:
// time to detect, as the platform's own rules detect it.
func alertMetrics(events []measure.ClusterEvent, injected, reverted time.Time, poll time.Duration) []evidence.Metric {
	order, first := firstAlertStates(events, injected, reverted)
	var out []evidence.Metric
	method := fmt.Sprintf("the region's Prometheus evaluating the platform's rule, its /api/v1/alerts polled every %s", poll.Round(time.Millisecond))
	for _, k := range order {
		for _, s := range []string{monitoring.StatePending, monitoring.StateFiring} {
			if at, ok := first[k][s]; ok {
				out = append(out, evidence.Metric{Name: fmt.Sprintf("alert %s %s (%s)", k.alert, s, k.region),
					Value: at.Sub(injected).Seconds(), Unit: "s after the fault", Method: method})
			}
		}
		if at, ok := first[k][monitoring.StateResolved]; ok {
			out = append(out, evidence.Metric{Name: fmt.Sprintf("alert %s resolved (%s)", k.alert, k.region),
				Value: at.Sub(reverted).Seconds(), Unit: "s after the revert began", Method: method})
		}
	}
	return out
}

// automationEvents returns what the platform's Sensor did in each region
// since the fault (at or after since), as "sensor/NAME" events, and a
// finding for each trigger that failed: the automation the platform relies
// on did not do its work.
func (d *drill) automationEvents(since time.Time) []measure.ClusterEvent {
	if d.alerts == nil || since.IsZero() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := d.env.Agent.Status(ctx)
	if err != nil {
		d.log.Warn("ask the data plane what the platform's Sensor did", "err", err)
		return nil
	}
	var out []measure.ClusterEvent
	for _, r := range st.Regions {
		for _, a := range r.Automation {
			if a.At.Before(since) {
				continue
			}
			d.automation = append(d.automation, a)
			out = append(out, measure.ClusterEvent{At: a.At, Region: r.Name, Object: "sensor/" + a.Sensor, Event: a.String()})
			if a.Err != "" {
				if a.Rendered && d.spec.Kind == fault.RegionOutage && r.Name == d.spec.Region && (d.reverted.IsZero() || a.At.Before(d.reverted)) {
					a.Err += " (the Sensor runs in the region it must fail traffic away from, and that region's API server was down)"
				}
				d.findings = append(d.findings, evidence.Finding{ID: "sensor-trigger-failed", Severity: evidence.SeverityError,
					Message:  fmt.Sprintf("the platform's Sensor %s in %s ran trigger %s for alert %s and failed: %s", a.Sensor, r.Name, a.Trigger, a.Alert, a.Err),
					Evidence: fmt.Sprintf("%s at %s", a.Object, a.At.UTC().Format(time.RFC3339Nano))})
			}
		}
	}
	return out
}

// undoAutomation puts back what the platform's Sensor changed during the
// drill, newest first, so the next drill starts from the manifests.
func (d *drill) undoAutomation(ctx context.Context) {
	type clients struct {
		dyn    dynamic.Interface
		mapper meta.RESTMapper
		err    error
	}
	byRegion := map[string]clients{} // one client and discovery per region
	for i := len(d.automation) - 1; i >= 0; i-- {
		a := d.automation[i]
		if a.Err != "" {
			continue
		}
		c, ok := byRegion[a.Region]
		if !ok {
			r, err := d.env.Record.Region(a.Region)
			if err != nil {
				continue
			}
			c.dyn, c.mapper, c.err = sensor.Clients(r.Kubeconfig)
			byRegion[a.Region] = c
		}
		err := c.err
		if err == nil {
			err = sensor.Undo(ctx, c.dyn, c.mapper, a)
		}
		if err != nil {
			d.log.Warn("undo the Sensor's change", "region", a.Region, "object", a.Object, "err", err)
		}
	}
	d.automation = nil
}
