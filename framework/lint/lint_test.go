package lint

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
)

func lintEmbedded(t *testing.T, load func() (*fixtures.Platform, error), opts ...Option) *Report {
	t.Helper()
	p, err := load()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Lint(context.Background(), p, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestReference checks that lint finds, at the right file:line, the gaps
// the reference manifests have against RTO 30m, RPO 1h and the two-region
// topology.
func TestReference(t *testing.T) {
	rep := lintEmbedded(t, fixtures.Reference)
	want := []struct {
		rule, at string
		sev      Severity
		text     string
	}{
		{"backup-rpo", "fixtures/reference/backup.yaml:36", SeverityError, `CronJob model-registry-backup runs on "0 */6 * * *" (UTC): up to 6h between runs`},
		{"backup-rpo", "fixtures/reference/backup.yaml:10", SeverityError, `Velero Schedule ml-backup-daily runs on "0 2 * * *" (UTC): up to 24h between runs`},
		{"failover-unknown-region", "fixtures/reference/failover.yaml:26", SeverityError, "failover from us-east1 goes to us-west1, which is not a region of topology two-region"},
		{"pdb-zone-loss", "fixtures/reference/inference.yaml:62", SeverityError, "in us-east1, losing zone us-east1-a takes 3 of 6 replicas (us-east1-a: 3, us-east1-b: 3) and only 3 can run again"},
		{"pdb-zone-drain", "fixtures/reference/inference.yaml:62", SeverityError, "stops after 2 evictions: the PDB (minAvailable 4) refuses the next with HTTP 429"},
		{"spread-zone-loss", "fixtures/reference/inference.yaml:23", SeverityError, "3 replacements stay Pending and the region runs 3 of 6 replicas until the zone returns"},
		{"service-selector", "fixtures/reference/failover.yaml:34", SeverityError, "without a namespace it lands in the kubectl context's namespace (default), while the pods it selects run in ml-serving/inference-service"},
		{"alert-never-fires", "fixtures/reference/alerts.yaml:22", SeverityError, "alert ZoneFailure can never fire"},
		{"alert-missing-label", "fixtures/reference/alerts.yaml:22", SeverityWarning, "topology_kubernetes_io_zone, which kube_node_status_condition does not carry"},
		{"alert-counts-series", "fixtures/reference/alerts.yaml:22", SeverityWarning, "alert ZoneFailure counts kube_node_status_condition series"},
		{"alert-empty-aggregation", "fixtures/reference/alerts.yaml:13", SeverityWarning, "alert InferenceServiceDown cannot fire once every up series is gone"},
		{"sensor-datakey", "fixtures/reference/dr-runbook.yaml:72", SeverityError, `dataKey "body.alerts[0].labels.region"`},
		{"sensor-label-missing", "fixtures/reference/dr-runbook.yaml:72", SeverityError, "reads label region from alerts InferenceServiceDown"},
		{"backup-manifest-source", "fixtures/reference/backup.yaml:50", SeverityWarning, "copies s3://model-registry-backup/manifest.json, which nothing in these manifests writes"},
		{"backup-manifest-overwrite", "fixtures/reference/backup.yaml:50", SeverityWarning, "overwritten by up to 4 runs"},
		{"backup-script-errexit", "fixtures/reference/backup.yaml:48", SeverityWarning, "goes on after `aws s3 sync` fails"},
		{"backup-coverage", "fixtures/reference/inference.yaml:6", SeverityWarning, "Deployment inference-service is in no Velero backup (ml-backup-daily includes only persistentvolumeclaims, configmaps, secrets)"},
		{"backup-coverage", "fixtures/reference/dr-runbook.yaml:6", SeverityWarning, "ConfigMap dr-runbook is in no Velero backup (ml-backup-daily selects labels backup=enabled, which the object lacks)"},
	}
	for _, w := range want {
		t.Run(w.rule+"@"+w.at, func(t *testing.T) {
			for _, f := range rep.ByRule(w.rule) {
				if f.Position.String() == w.at && f.Severity == w.sev && strings.Contains(f.Message, w.text) {
					return
				}
			}
			t.Errorf("no %s %s at %s containing %q; %s findings: %v", w.sev, w.rule, w.at, w.text, w.rule, rep.ByRule(w.rule))
		})
	}
	// What the reference does not breach: the checks must stay quiet.
	for _, rule := range []string{"capacity-zone-loss", "capacity-dr-runbook", "outlier-max-ejection", "rto-recovery", "rto-alert", "backup-ttl", "invalid-value", "schema-unknown-field", "pdb-no-disruption",
		"failover-same-region", "failover-duplicate-source", "failover-no-path", "failover-cycle", "destinationrule-host", "port-name", "pdb-overlap"} {
		if got := rep.ByRule(rule); len(got) > 0 {
			t.Errorf("unexpected %s findings on the reference: %v", rule, got)
		}
	}
	// The counts the README states: 10 errors, 11 warnings (and 2 infos).
	if e, w, i := rep.Count(SeverityError), rep.Count(SeverityWarning), rep.Count(SeverityInfo); e != 10 || w != 11 || i != 2 {
		t.Errorf("reference: %d errors, %d warnings, %d infos; want 10, 11, 2:\n%v", e, w, i, rep.Findings)
	}
	if got := rep.ByRule("backup-rpo"); len(got) == 2 && !strings.Contains(got[0].Message, "+ the backup's duration") {
		t.Errorf("backup-rpo does not count the backup's duration: %s", got[0].Message)
	}
}

func TestRemediatedIsClean(t *testing.T) {
	rep := lintEmbedded(t, fixtures.Remediated)
	for _, f := range rep.Findings {
		if f.Severity != SeverityInfo {
			t.Errorf("remediated: %s", f)
		}
	}
	// The remediated platform must still fail a stricter objective, so the
	// rules are known to look at it.
	strict := lintEmbedded(t, fixtures.Remediated, WithRPO(10*time.Minute))
	if len(strict.ByRule("backup-rpo")) != 2 {
		t.Errorf("RPO 10m: backup-rpo findings %v", strict.ByRule("backup-rpo"))
	}
}

func TestRemediatedFromDisk(t *testing.T) {
	p, err := fixtures.Load("../../fixtures/remediated")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Lint(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Count(SeverityError) + rep.Count(SeverityWarning); n != 0 {
		t.Errorf("%d findings on fixtures/remediated: %v", n, rep.Findings)
	}
}

func TestOptions(t *testing.T) {
	p, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	bad := []Option{WithRTO(0), WithRPO(-time.Second), WithTopology(nil), WithEvaluationInterval(0)}
	for _, o := range bad {
		if _, err := Lint(context.Background(), p, o); !errors.Is(err, framework.ErrInvalid) {
			t.Errorf("bad option: err = %v", err)
		}
	}
	if _, err := Lint(context.Background(), nil); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("nil platform: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Lint(ctx, p); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	rep, err := Lint(context.Background(), p, WithRPO(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.ByRule("backup-rpo"); len(got) != 0 {
		t.Errorf("RPO 48h still flags %v", got)
	}
}

func TestRulesHaveMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		m := r.Meta()
		if m.ID == "" || m.Summary == "" || m.Help == "" || m.Severity == "" || seen[m.ID] {
			t.Errorf("rule %+v: incomplete or duplicate", m)
		}
		seen[m.ID] = true
	}
	rep := lintEmbedded(t, fixtures.Reference)
	for _, f := range rep.Findings {
		if !seen[f.Rule] {
			t.Errorf("finding of unknown rule %q", f.Rule)
		}
	}
}
