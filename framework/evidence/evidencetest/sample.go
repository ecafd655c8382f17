package evidencetest

import (
	"time"

	"gameday.io/gameday/framework/evidence"
)

// Start is the sample run's start.
var Start = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

// Sample timeline shape: 90 s of load in 500 ms buckets at 200 requests per
// second; the fault is injected at 20 s and reverted at 60 s.
const (
	bucket   = 0.5
	duration = 90.0
	rate     = 200.0
	faultAt  = 20.0
	revertAt = 60.0
)

// Regions of the sample topology.
const (
	Primary = "us-east1"
	DR      = "europe-west1"
)

// Passing returns the evidence of a run of the remediated platform: a zone
// outage, a regional failover and a zone drain, every objective met.
func Passing() *evidence.Evidence {
	ev := base("20261128T140000Z-5a3c1e", "remediated")
	ev.Drills = []evidence.Drill{zoneOutage(0), regionFailover(1, true), zoneDrain(2)}
	ev.GameDay = gameDay(false)
	ev.Finalize()
	return ev
}

// Failing returns the evidence of a run of the reference platform as
// written: the zone outage and the drain pass, the regional failover never
// recovers (the DR region lacks capacity) and the 6-hourly backup misses the
// 1 h RPO.
func Failing() *evidence.Evidence {
	ev := base("20261128T140000Z-9e07b2", "reference")
	ev.Drills = []evidence.Drill{zoneOutage(0), regionFailover(1, false), rpoBackup(2), zoneDrain(3)}
	ev.Findings = []evidence.Finding{{
		ID:       "failover-target-missing",
		Severity: evidence.SeverityWarning,
		Message:  "DestinationRule fails us-east1 over to us-west1, which is not a region of the topology; the global load balancer fell back to europe-west1",
		Evidence: "fixtures/reference/failover.yaml:24 (to: us-west1)",
	}}
	ev.GameDay = gameDay(true)
	ev.Finalize()
	return ev
}

func base(runID, fixtureSet string) *evidence.Evidence {
	ev := evidence.New(runID, Start)
	ev.Gameday = evidence.Build{Version: "v0.4.0-sample", Commit: "0123456789abcdef0123456789abcdef01234567"}
	ev.SampleData = true
	ev.Profile = "fast"
	ev.Environment = evidence.Environment{Name: "gameday", Provider: "sim", Regions: []string{Primary, DR}}
	ev.Topology = evidence.Topology{
		Name:   "two-region",
		File:   "fixtures/topologies/two-region.yaml",
		SHA256: evidence.HashBytes("", []byte("sample topology two-region")).SHA256,
	}
	for _, f := range []string{"alerts.yaml", "backup.yaml", "dr-runbook.yaml", "failover.yaml", "inference.yaml"} {
		name := "fixtures/" + fixtureSet + "/" + f
		ev.Fixtures = append(ev.Fixtures, evidence.HashBytes(name, []byte("sample fixture "+name)))
	}
	ev.Scenarios = []string{"zone-outage", "region-outage", "rpo-backup", "zone-drain"}
	ev.End = Start.Add(14*time.Minute + 32*time.Second)
	return ev
}

// at returns the wall-clock time of drill i's offset s (drills run 3 min apart).
func at(drill int, s float64) time.Time {
	return Start.Add(time.Duration(drill)*3*time.Minute + 30*time.Second + time.Duration(s*float64(time.Second)))
}

func ptr[T any](v T) *T { return &v }

func gameDay(failing bool) *evidence.GameDay {
	g := &evidence.GameDay{
		Title: "Q4 regional failover game day",
		Participants: []evidence.Participant{
			{Name: "Amina Haddad", Role: "incident commander"},
			{Name: "Jonas Berg", Role: "SRE on call"},
			{Name: "Priya Natarajan", Role: "ML platform owner"},
			{Name: "Lucas Moreau", Role: "observer (compliance)"},
		},
		Issues:      []evidence.Issue{},
		Remediation: []evidence.RemediationItem{},
		NextDrill:   "2027-02-24",
		Notes:       "Sample game-day record.",
	}
	if failing {
		g.Issues = []evidence.Issue{
			{ID: "GD-1", Title: "DR region cannot carry the primary's load after failover", Severity: evidence.SeverityError, Drill: "region-failover", Finding: "dr-capacity"},
			{ID: "GD-2", Title: "Model registry backup every 6 h cannot meet the 1 h RPO", Severity: evidence.SeverityError, Drill: "rpo-backup", Finding: "rpo-backup-interval"},
		}
		g.Remediation = []evidence.RemediationItem{
			{ID: "R-1", Title: "Scale europe-west1 to 10 replicas ahead of failover (HPA floor)", Owner: "Jonas Berg", Due: "2026-12-12", Issue: "GD-1", Status: "open"},
			{ID: "R-2", Title: "Run the registry sync hourly and alert on a stale manifest", Owner: "Priya Natarajan", Due: "2026-12-05", Issue: "GD-2", Status: "in-progress"},
		}
	}
	return g
}
