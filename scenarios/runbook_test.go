package scenarios

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
)

// platformEnv is an Env of an embedded platform on the default topology,
// without clusters: enough to derive a scenario's actions.
func platformEnv(t *testing.T, platform string) *Env {
	t.Helper()
	p, entry, err := environment.LoadPlatform(platform, "")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := p.UnderTest(entry)
	if err != nil {
		t.Fatal(err)
	}
	topo, err := fixtures.DefaultTopology()
	if err != nil {
		t.Fatal(err)
	}
	tm, err := framework.TimeoutsFor(framework.ProfileFast)
	if err != nil {
		t.Fatal(err)
	}
	rec := &environment.Record{}
	for _, r := range topo.Regions {
		rec.Regions = append(rec.Regions, framework.Region{Name: r.Name, Role: r.Role})
	}
	return &Env{Env: &environment.Env{Record: rec, Platform: p, Workloads: ws, Topology: topo, Timeouts: tm, Logger: framework.DiscardLogger()}}
}

func TestRunbookAlert(t *testing.T) {
	for _, tt := range []struct{ platform, alert, why string }{
		{"reference", "InferenceServiceDown", "runbook"},
		{"remediated", "InferenceServiceDown", "runbook"},
		{"second", "RankerCapacityLow", "Sensor"},
	} {
		e := platformEnv(t, tt.platform)
		name, why, err := e.runbookAlert()
		if err != nil || name != tt.alert || !strings.Contains(why, tt.why) {
			t.Errorf("%s: runbook alert %q (%s, %v), want %s (%s)", tt.platform, name, why, err, tt.alert, tt.why)
		}
	}
	for _, tt := range []struct {
		event, alert string
		same         bool
	}{
		{"ranker-capacity-low", "RankerCapacityLow", true},
		{"gpu-node-not-ready", "GPUNodeNotReady", true},
		{"gpu_node_not_ready", "GPUNodeNotReady", true},
		{"http5xx-high", "HTTP5xxHigh", true},
		{"inference-down", "InferenceServiceDown", false},
	} {
		if got := fixtures.SameName(tt.event, tt.alert); got != tt.same {
			t.Errorf("sameName(%q, %q) = %v", tt.event, tt.alert, got)
		}
	}
}

func TestRegionOutageFollowsThePlatformsRunbook(t *testing.T) {
	for _, tt := range []struct {
		platform string
		want     []string // workload=replicas of the expanded scale actions
	}{
		{"reference", []string{"ml-serving/inference-service=10"}},
		{"second", []string{"recsys/ranker=8", "recsys/embedder=6"}},
	} {
		e := platformEnv(t, tt.platform)
		d := &drill{env: e, s: RegionOutage()}
		actions, err := d.expandActions()
		if err != nil {
			t.Fatalf("%s: %v", tt.platform, err)
		}
		var got []string
		for _, a := range actions {
			if a.Do == "scale" {
				got = append(got, a.Workload+"="+itoa(a.Replicas))
				if a.Region != "dr" {
					t.Errorf("%s: scale in %q", tt.platform, a.Region)
				}
			}
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: scales %v, want %v", tt.platform, got, tt.want)
		}
		delay, err := alertDelay(e, runbookAlert)
		if err != nil || delay <= 0 {
			t.Errorf("%s: the runbook's alert delay %s, %v", tt.platform, delay, err)
		}
	}
	// A scenario naming one workload scales only that one.
	e := platformEnv(t, "second")
	s := RegionOutage()
	s.Actions[1].Workload = "embedder"
	actions, err := (&drill{env: e, s: s}).expandActions()
	if err != nil || len(actions) != 2 || actions[1].Workload != "recsys/embedder" || actions[1].Replicas != 6 {
		t.Errorf("scale of the embedder only: %+v, %v", actions, err)
	}
	// A workload the platform does not have is refused before the drill.
	s.Actions[1].Workload = "ghost"
	if err := e.checkWorkloads(s); err == nil || !strings.Contains(err.Error(), `"ghost"`) {
		t.Errorf("unknown workload: %v", err)
	}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

// TestDocumentedScenarioLoads keeps docs/scenarios.md honest: its example
// is a valid scenario, with the workload and alert forms it describes.
func TestDocumentedScenarioLoads(t *testing.T) {
	md, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(md), "```yaml\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/scenarios.md has no yaml block")
	}
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadFile(path)
	if err != nil {
		t.Fatalf("the documented scenario: %v", err)
	}
	if s.Fault.Workload != "embedder" || s.Actions[0].After != "alert" || s.Objectives[2].Workload != "embedder" {
		t.Errorf("documented fields not read: %+v", s)
	}
	// On the second platform it names only workloads that exist.
	if err := platformEnv(t, "second").checkWorkloads(s); err != nil {
		t.Errorf("second platform: %v", err)
	}
}
