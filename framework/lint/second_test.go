package lint

import (
	"context"
	"strings"
	"testing"

	"gameday.io/gameday/fixtures"
)

// TestSecondPlatform lints another team's platform (fixtures/second): the
// rules find its own gaps by relations, not by the reference's names.
func TestSecondPlatform(t *testing.T) {
	rep := lintEmbedded(t, fixtures.Second)
	want := []struct {
		rule, at string
		sev      Severity
		text     string
		fix      string
	}{
		{"backup-rpo", "fixtures/second/backup.yaml:38", SeverityError,
			`Velero Schedule recsys-hourly runs on "0 * * * *" (UTC): up to 1h between runs, so the worst-case RPO is 1h + the backup's duration`, "run at least every 30m"},
		{"pdb-zone-loss", "fixtures/second/ranker.yaml:95", SeverityWarning,
			"losing zone us-east1-a leaves 3 of 6 replicas, below the 5 Ready that maxUnavailable 1 requires, until 3 replacements are scheduled and Ready (likewise in europe-west1)",
			"let the budget absorb a zone: maxUnavailable 3 (one zone holds up to 3 of 6 replicas)"},
		{"pdb-zone-loss", "fixtures/second/embedder.yaml:78", SeverityWarning,
			"leaves 2 of 4 replicas, below the 3 Ready that maxUnavailable 25% requires", "maxUnavailable 50%"},
	}
	for _, w := range want {
		found := false
		for _, f := range rep.ByRule(w.rule) {
			if f.Position.String() == w.at && f.Severity == w.sev && strings.Contains(f.Message, w.text) && strings.Contains(f.Fix, w.fix) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s %s at %s containing %q (fix %q): %v", w.sev, w.rule, w.at, w.text, w.fix, rep.ByRule(w.rule))
		}
	}
	// The replacements of a workload that only dips below its budget do
	// schedule: its fix must not send the reader to the spread constraint.
	for _, f := range rep.ByRule("pdb-zone-loss") {
		if strings.Contains(f.Fix, "spread-zone-loss") {
			t.Errorf("warning's fix points at the spread constraint: %s", f.Fix)
		}
	}
	ref := lintEmbedded(t, fixtures.Reference)
	if got := ref.ByRule("pdb-zone-loss"); len(got) != 1 || !strings.Contains(got[0].Fix, "let replacements schedule in the surviving zones (rule spread-zone-loss)") {
		t.Errorf("reference pdb-zone-loss fix: %v", got)
	}
	if len(rep.Findings) != len(want) {
		t.Errorf("%d findings, want %d:\n%v", len(rep.Findings), len(want), rep.Findings)
	}
}

// TestSecondPlatformEjectionCap: the ejection cap is checked through the
// DestinationRule's FQDN host against the zone share of the right workload.
func TestSecondPlatformEjectionCap(t *testing.T) {
	p, err := fixtures.Second()
	if err != nil {
		t.Fatal(err)
	}
	for _, dr := range p.DestinationRules {
		dr.Spec.TrafficPolicy.OutlierDetection.MaxEjectionPercent = 30
	}
	rep, err := Lint(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	got := rep.ByRule("outlier-max-ejection")
	var msgs []string
	for _, f := range got {
		msgs = append(msgs, f.Position.String()+" "+f.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, w := range []string{
		"fixtures/second/traffic.yaml:18 a zone of us-east1 holds 3 of ranker's 6 endpoints (50%), but maxEjectionPercent 30 lets outlier detection eject only 1",
		"fixtures/second/traffic.yaml:41 a zone of us-east1 holds 2 of embedder's 4 endpoints (50%), but maxEjectionPercent 30 lets outlier detection eject only 1",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("missing %q in:\n%s", w, all)
		}
	}
	if len(got) != 2 {
		t.Errorf("%d outlier-max-ejection findings, want 2", len(got))
	}
}
