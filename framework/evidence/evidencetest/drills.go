package evidencetest

import (
	"fmt"

	"gameday.io/gameday/framework/evidence"
)

const (
	rtoMethod = "From fault injection to the first instant after which the global success ratio of the load stays >= 0.99 for the 5s stability window (100 ms buckets)."
	rtoTarget = 1800
)

func rtoObjective(achieved float64, lowerBound bool, detail string) evidence.Objective {
	return evidence.Objective{
		Name: "rto", Description: "service restored within the runbook's RTO (30 min)",
		Comparison: evidence.AtMost, Target: rtoTarget, Achieved: evidence.Measured(achieved),
		LowerBound: lowerBound, Unit: "s", Method: rtoMethod, Detail: detail,
	}
}

func fault(drill int, kind, target, chaos, journal string, params map[string]string) evidence.Fault {
	return evidence.Fault{
		Kind: kind, Target: target, ChaosKind: chaos, JournalID: journal,
		InjectedAt: at(drill, faultAt), RevertedAt: ptr(at(drill, revertAt)), Parameters: params,
	}
}

func zoneOutage(i int) evidence.Drill {
	const recovered = 24.5
	tl, load := timeline(i, 1, func(t float64) state {
		s := state{success: 0.9995, p50: 18, p99: 45, served: primaryOnly(), cause: "connection-refused"}
		switch {
		case t >= faultAt && t < recovered:
			s.success, s.p50, s.p99 = ramp(t, faultAt, recovered, 0.52, 0.97), 21, 240
		case t >= recovered && t < revertAt+8:
			s.p50, s.p99 = 24, 78
		}
		return s
	})
	return evidence.Drill{
		Name: "zone-outage", Scenario: "zone-outage",
		Description: "All nodes of us-east1-a stop at once while load runs; the gateway's outlier detection must eject the dead endpoints.",
		Targets:     evidence.Targets{Regions: []string{Primary}, Zones: []string{Primary + "-a"}},
		Start:       at(i, -10), End: at(i, duration+15),
		Faults:   []evidence.Fault{fault(i, "zone-outage", Primary+"/"+Primary+"-a", "", "j-0001", map[string]string{"nodes": "3"})},
		Load:     load,
		Timeline: tl,
		Windows: []evidence.Window{
			{Kind: evidence.WindowRTO, Label: "RTO 4.5s", FromSeconds: faultAt, ToSeconds: recovered},
		},
		Objectives: []evidence.Objective{
			rtoObjective(recovered-faultAt, false, "recovered at 24.5s, stable through the 5s window"),
			{
				Name: "success-after-recovery", Description: "success ratio from recovery to the end of the fault",
				Comparison: evidence.AtLeast, Target: 0.99, Achieved: evidence.Measured(0.9996), Unit: "ratio",
				Method: "OK/sent over the buckets from the recovery instant to the revert",
			},
		},
		Metrics: []evidence.Metric{
			{Name: "detection", Value: 0.1, Unit: "s", Method: "fault to the first failed request"},
			{Name: "time-to-full-capacity", Value: 38.2, Unit: "s", Method: "fault to ready replicas back at 6 (Deployment status watch)"},
		},
		Findings: []evidence.Finding{},
		Events:   zoneOutageEvents(i),
	}
}

// zoneOutageEvents is the control plane's side of the zone outage: the
// zone's nodes NotReady and tainted, their pods evicted, replacements in the
// other zone.
func zoneOutageEvents(i int) []evidence.Event {
	ev := func(s float64, object, what string) evidence.Event {
		return evidence.Event{At: at(i, s), Region: Primary, Object: object, Event: what}
	}
	return []evidence.Event{
		ev(faultAt+8.7, "node/"+Primary+"-a-gpu-0", "NotReady (Unknown: NodeStatusUnknown)"),
		ev(faultAt+8.8, "node/"+Primary+"-a-gpu-0", "taint added node.kubernetes.io/unreachable:NoExecute"),
		ev(faultAt+18.9, "pod/model-server-7d9c-a1", "deleting (DeletionByTaintManager)"),
		ev(faultAt+19.0, "pod/model-server-7d9c-x4", "created"),
		ev(faultAt+19.1, "pod/model-server-7d9c-x4", "scheduled to "+Primary+"-b-gpu-2"),
		ev(faultAt+22.4, "pod/model-server-7d9c-x4", "Ready"),
		ev(revertAt+1.2, "node/"+Primary+"-a-gpu-0", "Ready"),
	}
}

func regionFailover(i int, remediated bool) evidence.Drill {
	recovered, drShare := 21.6, 1.0
	if !remediated {
		recovered, drShare = duration, 0.62
	}
	tl, load := timeline(i, 2, func(t float64) state {
		s := state{success: 0.9995, p50: 19, p99: 48, served: primaryOnly(), cause: "connection-refused"}
		switch {
		case t >= faultAt && t < faultAt+1.5:
			s.success, s.served = 0.02, map[string]float64{DR: 1}
		case t >= faultAt && !remediated:
			s.served, s.p50, s.p99, s.success, s.cause = map[string]float64{DR: 1}, 96, 2400, drShare, "http-503"
		case t >= faultAt && t < revertAt+2:
			s.served, s.p50, s.p99 = map[string]float64{DR: 1}, 96, 185
			s.success = ramp(t, faultAt+1.5, recovered, 0.9, 0.9995)
		}
		return s
	})
	d := evidence.Drill{
		Name: "region-failover", Scenario: "region-outage",
		Description: "The whole us-east1 region fails; the global load balancer must move its traffic to europe-west1.",
		Targets:     evidence.Targets{Regions: []string{Primary}},
		Start:       at(i, -10), End: at(i, duration+15),
		Faults:   []evidence.Fault{fault(i, "region-outage", Primary, "NetworkChaos", "j-0002", map[string]string{"direction": "both"})},
		Load:     load,
		Timeline: tl,
		Windows: []evidence.Window{
			{Kind: evidence.WindowDetection, Label: "health checks fail (1.5s)", FromSeconds: faultAt, ToSeconds: faultAt + 1.5},
			{Kind: evidence.WindowRTO, Label: fmt.Sprintf("RTO %.1fs", recovered-faultAt), FromSeconds: faultAt, ToSeconds: recovered},
		},
		Objectives: []evidence.Objective{
			rtoObjective(round(recovered-faultAt, 1), false, "traffic served from europe-west1 after 1.6s"),
			{
				Name: "failover-share", Description: "europe-west1 serves the primary's traffic after failover",
				Comparison: evidence.AtLeast, Target: 0.9, Achieved: evidence.Measured(drShare), Unit: "ratio",
				Method: "share of requests europe-west1 served successfully over the stability window after failover",
			},
		},
		Metrics: []evidence.Metric{
			{Name: "detection", Value: 0, Unit: "s", Method: "fault to the first failed request"},
			{Name: "failover", Value: 1.6, Unit: "s", Method: "fault to europe-west1 serving >= 90% of requests for the stability window"},
		},
		Findings: []evidence.Finding{},
	}
	if !remediated {
		d.Windows[1].Label = "not recovered (RTO ≥ 70s)"
		d.Objectives[0] = rtoObjective(duration-faultAt, true, "never recovered: success ratio 0.62 at the end of the load")
		d.Metrics[1].Value = 1.5
		// The DR region never carried the load: the fault was reverted only
		// after the load had ended.
		d.Faults[0].RevertedAt = ptr(at(i, duration+5))
		d.Findings = []evidence.Finding{{
			ID: "dr-capacity", Severity: evidence.SeverityError,
			Message:  "europe-west1 runs 6 replicas and answered 62% of the failed-over load; the runbook scales it to 10 replicas only by hand",
			Evidence: "fault phase: 503 from europe-west1 gateway (http2MaxRequests 1000 reached); fixtures/reference/dr-runbook.yaml:31",
		}}
	}
	return d
}

func rpoBackup(i int) evidence.Drill {
	return evidence.Drill{
		Name: "rpo-backup", Scenario: "rpo-backup",
		Description: "A writer publishes model versions while the fixture's backup CronJob runs on a compressed clock; the primary's model storage is lost at the worst instant of the schedule and restored from backup.",
		Targets:     evidence.Targets{Regions: []string{Primary}},
		Start:       at(i, 0), End: at(i, 34),
		Faults: []evidence.Fault{{
			Kind: "storage-outage", Target: Primary + "/models", JournalID: "j-0003",
			InjectedAt: at(i, 12), RevertedAt: ptr(at(i, 19)),
			Parameters: map[string]string{"bucket": "models", "instant": "worst"},
		}},
		Load:    []evidence.PhaseLoad{},
		Windows: []evidence.Window{},
		Objectives: []evidence.Objective{{
			Name: "rpo", Description: "newest restored model version at most 1 h older than the loss",
			Comparison: evidence.AtMost, Target: 3600, Achieved: evidence.Measured(21540), Unit: "s",
			Method: "fault time minus the publication time of the newest version restored from models-backup, every object's checksum verified; clock compressed 7200x",
			Detail: "storage lost at 05:59:00 virtual, newest restored version published 00:00:00",
		}},
		Metrics: []evidence.Metric{
			{Name: "clock-factor", Value: 7200, Unit: "x", Method: "virtual seconds per real second"},
			{Name: "versions-published", Value: 360, Unit: "versions"},
			{Name: "versions-lost", Value: 359, Unit: "versions"},
			{Name: "backups-run", Value: 1, Unit: "backups"},
		},
		Findings: []evidence.Finding{{
			ID: "rpo-backup-interval", Severity: evidence.SeverityError,
			Message:  "the models-backup CronJob runs every 6 h (0 */6 * * *): a loss just before a run loses up to 6 h of model versions, against a 1 h RPO",
			Evidence: "fixtures/reference/backup.yaml:36",
		}},
	}
}

func zoneDrain(i int) evidence.Drill {
	const drainEnd = 52.0
	tl, load := timeline(i, 4, func(t float64) state {
		s := state{success: 0.9995, p50: 18, p99: 46, served: primaryOnly(), cause: "http-503"}
		if t >= faultAt && t < drainEnd {
			s.p50, s.p99 = 22, 70
		}
		return s
	})
	f := fault(i, "drain", Primary+"/"+Primary+"-a", "", "j-0004", map[string]string{"evictionAPI": "policy/v1"})
	f.RevertedAt = ptr(at(i, drainEnd+8))
	return evidence.Drill{
		Name: "zone-drain", Scenario: "zone-drain",
		Description: "Every node of us-east1-a is drained through the Eviction API; the PodDisruptionBudget must keep 4 replicas ready.",
		Targets:     evidence.Targets{Regions: []string{Primary}, Zones: []string{Primary + "-a"}},
		Start:       at(i, -10), End: at(i, duration+15),
		Faults:   []evidence.Fault{f},
		Load:     load,
		Timeline: tl,
		Windows:  []evidence.Window{{Kind: evidence.WindowDisruption, Label: "drain (3 evictions, 1 refused)", FromSeconds: faultAt, ToSeconds: drainEnd}},
		Objectives: []evidence.Objective{
			{
				Name: "pdb-min-ready", Description: "PodDisruptionBudget minAvailable 4 holds during the drain",
				Comparison: evidence.AtLeast, Target: 4, Achieved: evidence.Measured(4), Unit: "replicas",
				Method: "minimum Ready replicas seen by a pod watch during the disruption window",
			},
			{
				Name: "success-during-drain", Description: "no request fails during a voluntary disruption",
				Comparison: evidence.AtLeast, Target: 0.999, Achieved: evidence.Measured(0.9995), Unit: "ratio",
				Method: "OK/sent over the disruption window",
			},
		},
		Metrics: []evidence.Metric{
			{Name: "evictions-refused-429", Value: 1, Unit: "evictions", Method: "Eviction API responses with HTTP 429"},
		},
		Findings: []evidence.Finding{},
	}
}
