package monitoring

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// KubeconfigsEnv names the clusters TestKubeStateAgainstClusters reads, as
// region=kubeconfig pairs separated by commas, e.g. from `gameday up`:
//
//	GAMEDAY_MONITORING_KUBECONFIGS=us-east1=$(gameday kubeconfig --name demo --region us-east1),...
const KubeconfigsEnv = "GAMEDAY_MONITORING_KUBECONFIGS"

// ExpectFiringEnv, when set to an alert name, makes the test wait (up to 5
// minutes) for that alert to fire, for a fault injected meanwhile by hand
// (gameday inject zone-outage ...), and log every alert's transitions.
const ExpectFiringEnv = "GAMEDAY_MONITORING_EXPECT_FIRING"

// TestKubeStateAgainstClusters runs one kube-state-metrics per region of a
// running environment and checks that the series the platform's rules read
// arrive with their region, and that the remediated ZoneFailure sees every
// zone of a healthy environment with Ready nodes.
func TestKubeStateAgainstClusters(t *testing.T) {
	bin := requireStack(t, PrometheusBinary, AlertmanagerBinary, KubeStateBinary)
	regions := regionsFromEnv(t)
	if regions == nil {
		t.Skipf("set %s=region=kubeconfig,... to run kube-state-metrics against running clusters", KubeconfigsEnv)
	}
	start := time.Now()
	stack, err := Start(context.Background(), Options{
		Dir: t.TempDir(), BinDir: bin, Regions: regions,
		Logger:         slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Rules:          []*unstructured.Unstructured{referenceRule(t), remediatedRule(t)},
		RuleScale:      0.1,
		ScrapeInterval: time.Second, EvaluationInterval: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stack.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	t.Logf("stack with %d kube-state-metrics ready in %v", len(regions), time.Since(start).Round(time.Millisecond))

	perRegion := func(query string) func(ctx context.Context) (bool, error) {
		return func(ctx context.Context) (bool, error) {
			s, err := stack.Prometheus.Query(ctx, "count by (region) ("+query+")")
			return err == nil && len(s) == len(regions), nil
		}
	}
	for _, q := range []string{
		`kube_node_status_condition{condition="Ready",status="true"} == 1`,
		`kube_node_labels{label_topology_kubernetes_io_zone!=""}`,
		`kube_deployment_status_replicas_available`,
		`kube_pod_status_ready{condition="true"} == 1`,
	} {
		poll(t, "every region's "+q, 60*time.Second, perRegion(q))
	}
	zones, err := stack.Prometheus.Query(context.Background(), `sum by (region, zone) (
		kube_node_status_condition{condition="Ready",status="true"}
		* on (region, node) group_left (zone)
		label_replace(kube_node_labels, "zone", "$1", "label_topology_kubernetes_io_zone", "(.+)"))`)
	if err != nil || len(zones) < len(regions) {
		t.Fatalf("Ready nodes per zone = %v, %v; want every region's zones", zones, err)
	}
	for _, z := range zones {
		t.Logf("region %s zone %s: %v Ready nodes", z.Labels["region"], z.Labels["zone"], z.Value)
		if z.Value < 1 {
			t.Errorf("zone %s has no Ready node in a healthy environment", z.Labels["zone"])
		}
	}
	if alert := os.Getenv(ExpectFiringEnv); alert != "" {
		history := NewHistory(time.Now())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- Watch(ctx, stack.Prometheus, history, 250*time.Millisecond, slog.New(slog.DiscardHandler))
		}()
		t.Cleanup(func() { cancel(); <-done })
		t.Logf("waiting for %s to fire: inject its fault now", alert)
		poll(t, alert+" firing", 5*time.Minute, func(context.Context) (bool, error) {
			_, ok := history.First(alert, StateFiring)
			return ok, nil
		})
		for _, line := range history.Summary() {
			t.Log(line)
		}
	}
	for name, pid := range stack.PIDs() {
		if cpu, rss, err := procUsage(pid); err == nil {
			t.Logf("%s: %v CPU since start, %.0f MiB RSS", name, cpu, float64(rss)/(1<<20))
		}
	}
}

// regionsFromEnv parses KubeconfigsEnv; nil when it is not set.
func regionsFromEnv(t testing.TB) []Region {
	spec := os.Getenv(KubeconfigsEnv)
	if spec == "" {
		return nil
	}
	var regions []Region
	for _, pair := range strings.Split(spec, ",") {
		name, path, ok := strings.Cut(pair, "=")
		if !ok {
			t.Fatalf("%s: %q is not region=kubeconfig", KubeconfigsEnv, pair)
		}
		regions = append(regions, Region{Name: name, Kubeconfig: path})
	}
	return regions
}
