package environment_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/monitoring"
)

// TestUpWithMonitoring brings an environment up with --monitoring: each
// region's Prometheus has loaded the platform's PrometheusRules as written
// in the manifests, and scrapes every Ready inference server of its region
// under the job the rules select; down stops every process of it.
func TestUpWithMonitoring(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs make tools build")
	}
	root := repoRoot()
	bin := filepath.Join(root, "bin")
	for _, b := range []string{"prometheus", "alertmanager", "kube-state-metrics", "gameday", "inference-sim"} {
		if _, err := os.Stat(filepath.Join(bin, b)); err != nil {
			t.Fatalf("bin/%s missing: run make tools build", b)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	store := environment.Store{Root: t.TempDir()}
	name := "mon" + strconv.Itoa(os.Getpid()%100000)
	start := time.Now()
	rec, err := environment.Up(ctx, store, environment.Options{
		Name: name, Profile: framework.ProfileFast, BinDir: bin,
		TopologyFile: filepath.Join(root, fixtures.DefaultTopologyFile), Monitoring: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("up with monitoring: %s", time.Since(start).Round(100*time.Millisecond))
	downed := false
	t.Cleanup(func() {
		if !downed {
			_ = environment.Down(context.Background(), store, name, nil)
		}
	})
	st, err := dataplane.NewClient(rec.AgentURL).Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plat, _, err := environment.LoadPlatform(rec.Platform, rec.Workload)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Regions {
		if r.Monitoring == nil {
			t.Fatalf("region %s: no monitoring in the data plane's status", r.Name)
		}
		prom := monitoring.NewClient(r.Monitoring.PrometheusURL)
		// The platform's rules, as loaded from its manifests.
		groups, err := prom.Rules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var loaded []string
		for _, g := range groups {
			for _, rule := range g.Rules {
				loaded = append(loaded, rule.Name)
			}
		}
		for _, want := range alertNames(plat) {
			if !slices.Contains(loaded, want) {
				t.Errorf("region %s: Prometheus has rules %v, not the platform's %s", r.Name, loaded, want)
			}
		}
		// Every Ready inference server of the region is an `up` target of
		// the job the reference's rules select (up{job="inference-service"}),
		// and answers.
		ready := 0
		for _, p := range r.Pods {
			if p.Ready && p.Running {
				ready++
			}
		}
		var up []monitoring.Sample
		err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			up, err = prom.Query(ctx, `up{job="inference-service"} == 1`)
			return err == nil && ready > 0 && len(up) == ready, nil
		})
		if err != nil {
			t.Errorf("region %s: %d inference targets up, want the %d Ready servers: %v", r.Name, len(up), ready, err)
		}
		for _, s := range up {
			if s.Labels["region"] != r.Name {
				t.Errorf("region %s: target labelled %v", r.Name, s.Labels)
			}
		}
		t.Logf("region %s: %d rules, %d inference targets up", r.Name, len(loaded), len(up))
	}
	// status reports each region's monitoring and reads its alerts.
	for _, r := range environment.GetStatus(ctx, rec).Regions {
		m := r.Monitoring
		if m == nil || m.Error != "" || m.Alerts == nil || m.PrometheusURL == "" || m.AlertmanagerURL == "" {
			t.Errorf("region %s: status monitoring %+v", r.Name, m)
		}
	}
	if err := environment.Down(ctx, store, name, nil); err != nil {
		t.Fatal(err)
	}
	downed = true
	for _, r := range st.Regions {
		if _, err := monitoring.NewClient(r.Monitoring.PrometheusURL).Rules(ctx); err == nil {
			t.Errorf("region %s: Prometheus still answers after down", r.Name)
		}
	}
}

// alertNames lists the alerts of the platform's PrometheusRules.
func alertNames(p *fixtures.Platform) []string {
	var out []string
	for _, r := range fixtures.PromRules(p.PrometheusRules) {
		if r.Alert != "" {
			out = append(out, r.Alert)
		}
	}
	return out
}
