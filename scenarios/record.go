package scenarios

import (
	"cmp"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/monitoring"
)

// recordLoad fills the drill's evidence from the load timeline: per-phase
// load, the timeline series, the fault/RTO/failover windows, the metrics and
// the fault itself.
func (d *drill) recordLoad(tl *load.Timeline) {
	dr := &d.res.Drill
	dr.Load = phaseLoads(tl)
	dr.Timeline = timeline(tl, d.env.Record.RegionNames())
	off := func(t time.Time) float64 { return t.Sub(tl.Start).Seconds() }
	if !d.injected.IsZero() {
		end := d.reverted
		if end.IsZero() {
			end = tl.Start.Add(tl.Duration)
		}
		dr.Windows = append(dr.Windows, evidence.Window{Kind: evidence.WindowFault, Label: "fault: " + string(d.spec.Kind), FromSeconds: off(d.injected), ToSeconds: off(end)})
	}
	dr.Windows = append(dr.Windows, alertWindows(d.events, tl.Start, tl.Start.Add(tl.Duration))...)
	if r := d.res.RTO; r != nil {
		if r.Impacted {
			dr.Windows = append(dr.Windows, evidence.Window{Kind: evidence.WindowRTO, Label: "RTO " + r.RTO.Round(100*time.Millisecond).String(),
				FromSeconds: r.FaultOffset.Seconds(), ToSeconds: (r.FaultOffset + r.RTO).Seconds()})
			dr.Metrics = append(dr.Metrics, evidence.Metric{Name: "detection", Value: r.Detection.Seconds(), Unit: "s", Method: "fault to the first failed request"})
		}
		dr.Metrics = append(dr.Metrics, evidence.Metric{Name: "requests failed after the fault", Value: float64(r.Outage.Sent - r.Outage.OK), Unit: "requests"})
		recordOutages(dr, r.Outages, r.Relapses)
		if f := r.Failover; f != nil && f.FailedOver {
			dr.Windows = append(dr.Windows, evidence.Window{Kind: evidence.WindowFailover, Label: "failover to " + f.Region, FromSeconds: r.FaultOffset.Seconds(), ToSeconds: f.Offset.Seconds()})
			dr.Metrics = append(dr.Metrics, evidence.Metric{Name: "failover time", Value: f.Time.Seconds(), Unit: "s", Method: "fault to the DR region serving most of the primary's clients"})
		}
		if c := r.FullCapacity; c != nil && c.Restored {
			dr.Metrics = append(dr.Metrics, evidence.Metric{Name: "time to full capacity", Value: c.Time.Seconds(), Unit: "s", Method: "fault to all desired replicas Ready in the faulted region"})
		}
	}
	if b, err := measure.FaultBudget(tl, measure.NewCriteria(d.env.Timeouts)); err == nil && b.Measured {
		// Reported for every drill, whether or not an objective judges it.
		dr.Metrics = append(dr.Metrics, evidence.Metric{Name: "fault-phase error ratio", Value: b.FailureRatio, Unit: "ratio",
			Method: fmt.Sprintf("%d of %d requests sent while the fault held failed; the objective's budget allows %s", b.Failed, b.Sent, evidence.FormatValue(b.Allowed, "ratio"))})
	}
	if p := d.res.PDB; p != nil {
		dr.Metrics = append(dr.Metrics,
			evidence.Metric{Name: "evictions refused (429)", Value: float64(p.Refused()), Unit: "requests"},
			evidence.Metric{Name: "min Ready during disruption", Value: float64(p.MinReady()), Unit: "replicas"})
	}
	if f := d.res.Fault; f != nil {
		dr.Faults = append(dr.Faults, evidenceFault(f))
	}
	if d.alerts != nil && !d.injected.IsZero() {
		// A revert that restarts servers lets alerts resolve before it
		// returns: resolution counts from its start.
		dr.Metrics = append(dr.Metrics, alertMetrics(d.events, d.injected, cmp.Or(d.reverting, d.reverted), d.alerts.poll)...)
	}
	for _, a := range d.rb.actions() {
		if a.Err == "" && !a.At.IsZero() {
			name := "runbook " + a.Action.Do + " " + a.Region
			if a.Action.Workload != "" {
				name += " " + a.Action.Workload
			}
			dr.Metrics = append(dr.Metrics, evidence.Metric{Name: name + " at", Value: a.At.Sub(d.injected).Seconds(), Unit: "s after the fault", Method: "trigger: " + a.Action.After})
		}
	}
}

// recordOutages shades every outage window after the fault on the timeline
// and counts them: the RTO ends with the last one, and a relapse (an outage
// after a clean stretch at least the stability window long) is visible.
func recordOutages(dr *evidence.Drill, outages []measure.Outage, relapses int) {
	for i, o := range outages {
		label := fmt.Sprintf("outage %d: %s, %d of %d failed", i+1, o.Duration().Round(100*time.Millisecond), o.Failed, o.Sent)
		if o.Relapse {
			label += fmt.Sprintf(" (relapse after %s clean)", o.Clean.Round(100*time.Millisecond))
		}
		if !o.Ended {
			label += " (had not ended)"
		}
		dr.Windows = append(dr.Windows, evidence.Window{Kind: evidence.WindowOutage, Label: label, FromSeconds: o.From.Seconds(), ToSeconds: o.To.Seconds()})
	}
	dr.Metrics = append(dr.Metrics,
		evidence.Metric{Name: "outages after the fault", Value: float64(len(outages)), Unit: "windows", Method: "spans with the success ratio below the objective's threshold, merged when the good spell between them was shorter than the stability window"},
		evidence.Metric{Name: "relapses", Value: float64(relapses), Unit: "windows", Method: "outages after a clean stretch at least the stability window long: the RTO ends with the last outage, not the first recovery"})
}

func evidenceFault(f *fault.Entry) evidence.Fault {
	ef := evidence.Fault{Kind: string(f.Spec.Kind), Target: f.Spec.String(), JournalID: f.ID, InjectedAt: f.InjectedAt,
		Parameters: map[string]string{"duration": f.Spec.Duration.String()}}
	if f.Spec.Mode != "" {
		ef.Parameters["mode"] = f.Spec.Mode
	}
	if !f.RevertedAt.IsZero() {
		t := f.RevertedAt
		ef.RevertedAt = &t
	}
	if f.Error != "" {
		ef.Error = f.Error
	}
	if len(f.ChaosMesh) > 0 {
		var head struct{ Kind string }
		if json.Unmarshal(f.ChaosMesh, &head) == nil {
			ef.ChaosKind = head.Kind
		}
	}
	if len(f.Nodes) > 0 {
		ef.Parameters["nodes"] = strings.Join(f.Nodes, ",")
	}
	return ef
}

func phaseLoads(tl *load.Timeline) []evidence.PhaseLoad {
	var out []evidence.PhaseLoad
	for _, p := range tl.Phases {
		pl := evidence.PhaseLoad{Phase: p.Phase, FromSeconds: p.From.Seconds(), ToSeconds: p.To.Seconds(), Sent: p.Sent, OK: p.OK,
			ErrorRatio: 1 - p.SuccessRatio(), P50Ms: ms(p.Latency.P50), P99Ms: ms(p.Latency.P99), Regions: p.Regions}
		if p.Sent == 0 {
			pl.ErrorRatio = 0
		}
		f := p.Failures
		for cause, n := range map[string]int{"5xx": f.Status5xx, "4xx": f.Status4xx, "status": f.StatusOther, "timeout": f.Timeout,
			"connection refused": f.Refused, "connection reset": f.Reset, "other": f.Other} {
			if n > 0 {
				if pl.Failures == nil {
					pl.Failures = map[string]int{}
				}
				pl.Failures[cause] = n
			}
		}
		out = append(out, pl)
	}
	return out
}

func timeline(tl *load.Timeline, regions []string) *evidence.Timeline {
	t := &evidence.Timeline{Start: tl.Start, BucketSeconds: tl.BucketWidth.Seconds(), Regions: append([]string(nil), regions...)}
	sort.Strings(t.Regions)
	for _, b := range tl.Buckets {
		p := evidence.Point{T: b.Offset.Seconds(), Sent: b.Sent, Success: b.SuccessRatio(), P50Ms: ms(b.Latency.P50), P99Ms: ms(b.Latency.P99)}
		if b.OK > 0 {
			p.Share = map[string]float64{}
			for _, r := range regions {
				p.Share[r] = float64(b.Regions[r]) / float64(b.OK)
			}
		}
		t.Points = append(t.Points, p)
	}
	return t.Downsample(1200)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// finish sets the drill's verdict.
func finish(d *evidence.Drill) { d.Finalize() }

// alertWindows are the spans in which one of the platform's alerts fired,
// from each firing event to the next resolved one of the same alert and
// region (or to end), in seconds from start.
func alertWindows(events []measure.ClusterEvent, start, end time.Time) []evidence.Window {
	type key struct{ region, alert string }
	firing := map[key]time.Time{}
	var out []evidence.Window
	add := func(k key, from, to time.Time) {
		out = append(out, evidence.Window{Kind: evidence.WindowAlert, Label: "alert " + k.alert + " firing (" + k.region + ")",
			FromSeconds: max(0, from.Sub(start).Seconds()), ToSeconds: to.Sub(start).Seconds()})
	}
	var order []key
	for _, e := range events {
		name, ok := strings.CutPrefix(e.Object, "alert/")
		if !ok {
			continue
		}
		k := key{e.Region, name}
		state, _, _ := strings.Cut(e.Event, " ")
		switch _, open := firing[k]; {
		case state == monitoring.StateFiring && !open:
			firing[k] = e.At
			order = append(order, k)
		case state != monitoring.StateFiring && open:
			add(k, firing[k], e.At)
			delete(firing, k)
		}
	}
	for _, k := range order {
		if from, open := firing[k]; open {
			add(k, from, end)
			delete(firing, k)
		}
	}
	return out
}
