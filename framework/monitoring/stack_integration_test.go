package monitoring

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework"
)

// binDir finds bin/ the way `make tools` lays it out: $GAMEDAY_BIN_DIR, else
// the bin/ beside the nearest go.mod above the working directory.
func binDir(t testing.TB) string {
	if d := os.Getenv("GAMEDAY_BIN_DIR"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "bin")
		}
	}
	return "bin"
}

// requireStack skips under -short and when the binaries are missing.
func requireStack(t *testing.T, names ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs Prometheus and Alertmanager; skipped under -short")
	}
	dir := binDir(t)
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Skipf("%s not in %s: run `make tools` (hack/build-monitoring.sh) first", n, dir)
		}
	}
	return dir
}

// metricsTarget is a scrape target on a fixed loopback address that can be
// stopped (connections refused) and started again on the same address.
type metricsTarget struct {
	addr string
	srv  *http.Server
}

func (m *metricsTarget) start(t testing.TB) {
	t.Helper()
	addr := m.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s again: %v", addr, err)
	}
	m.addr = l.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		// up 1 as the inference servers export it: the scraped sample and
		// Prometheus' own up{} coincide while the target answers.
		fmt.Fprint(w, "# TYPE demo_gauge gauge\ndemo_gauge 42\n# TYPE up gauge\nup 1\n")
	})
	m.srv = &http.Server{Handler: mux}
	go m.srv.Serve(l) //nolint:errcheck // ends with Close
	srv := m.srv
	t.Cleanup(func() { srv.Close() })
}

func (m *metricsTarget) stop() { m.srv.Close() }

func testRule(forDuration string) *unstructured.Unstructured {
	return promRule(map[string]any{"name": "test", "rules": []any{map[string]any{
		"alert": "TargetDown", "expr": `up{job="inference-service"} == 0`, "for": forDuration,
		"labels": map[string]any{"severity": "critical"},
	}}})
}

func poll(t *testing.T, what string, timeout time.Duration, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, timeout, true, cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestStackAlertLifecycle(t *testing.T) {
	bin := requireStack(t, PrometheusBinary, AlertmanagerBinary)
	target := &metricsTarget{}
	target.start(t)
	storage := &metricsTarget{}
	storage.start(t)

	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	t0 := time.Now()
	stack, err := Start(context.Background(), Options{
		Dir: t.TempDir(), BinDir: bin, Logger: log,
		InferenceTargets: []Target{{"us-east1", target.addr}},
		Jobs:             referenceJobs,
		Probes:           []Probe{{"us-east1", "http://" + storage.addr + "/"}},
		ExternalLabels:   map[string]string{RegionLabel: "us-east1"},
		Rules:            []*unstructured.Unstructured{testRule("20s"), referenceRule(t), remediatedRule(t)},
		RuleScale:        0.1, // `for: 20s` becomes 2s
		ScrapeInterval:   500 * time.Millisecond, EvaluationInterval: 500 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stack.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	t.Logf("stack ready in %v: %v", time.Since(t0).Round(time.Millisecond), stack.PIDs())

	history := NewHistory(time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan error, 1)
	go func() { watched <- Watch(ctx, stack.Prometheus, history, 200*time.Millisecond, log) }()
	t.Cleanup(func() { cancel(); <-watched })

	value := func(q string, want float64) func(ctx context.Context) (bool, error) {
		return func(ctx context.Context) (bool, error) {
			s, err := stack.Prometheus.Query(ctx, q)
			return err == nil && len(s) == 1 && s[0].Value == want, nil
		}
	}
	poll(t, "target scraped with its region", 30*time.Second, value(`up{job="inference-service",region="us-east1"}`, 1))
	poll(t, "storage probed", 30*time.Second, value(`probe_success{job="model-storage-probe",region="us-east1"}`, 1))
	poll(t, "test, reference and remediated rules loaded and evaluated", 30*time.Second, func(ctx context.Context) (bool, error) {
		groups, err := stack.Prometheus.Rules(ctx)
		if err != nil || len(groups) != 3 {
			return false, nil
		}
		for _, g := range groups {
			for _, r := range g.Rules {
				if r.Health != "ok" {
					return false, nil
				}
				if r.Name == "TargetDown" && r.Duration != 2 {
					return false, fmt.Errorf("TargetDown loaded with for %vs, want 2s", r.Duration)
				}
			}
		}
		return true, nil
	})

	// A second server joins through the file_sd file while Prometheus runs.
	other := &metricsTarget{}
	other.start(t)
	if err := stack.SetInferenceTargets([]Target{{"us-east1", target.addr}, {"us-west1", other.addr}}); err != nil {
		t.Fatal(err)
	}
	poll(t, "second target picked up from file_sd", 30*time.Second, value(`count(up{job="inference-service"} == 1)`, 2))

	target.stop()
	stopped := time.Now()
	poll(t, "TargetDown firing", 30*time.Second, func(context.Context) (bool, error) {
		_, ok := history.First("TargetDown", StateFiring)
		return ok, nil
	})
	pending, ok := history.First("TargetDown", StatePending)
	if !ok {
		t.Fatalf("TargetDown fired without being seen pending: %v", history.Summary())
	}
	firing, _ := history.First("TargetDown", StateFiring)
	if firing.Labels[RegionLabel] != "us-east1" || firing.Labels["instance"] != target.addr {
		t.Errorf("firing alert labels %v, want the stopped target's", firing.Labels)
	}
	if d := firing.At.Sub(pending.ActiveAt); d < 2*time.Second {
		t.Errorf("firing seen %v after the alert went active, before its 2s `for:`", d)
	}
	poll(t, "firing notification at the webhook", 30*time.Second, func(context.Context) (bool, error) {
		_, ok := stack.Receiver.First("TargetDown", StatusFiring)
		return ok, nil
	})
	note, _ := stack.Receiver.First("TargetDown", StatusFiring)
	// Prometheus fires once an evaluation finds the alert active for 2s;
	// Alertmanager's JSON keeps startsAt to the millisecond.
	if d := note.StartsAt.Sub(pending.ActiveAt); d < 2*time.Second-time.Millisecond {
		t.Errorf("notification says firing started %v after activeAt, want >= 2s", d)
	}

	target.start(t)
	restarted := time.Now()
	poll(t, "TargetDown resolved", 30*time.Second, func(context.Context) (bool, error) {
		_, ok := history.First("TargetDown", StateResolved)
		return ok, nil
	})
	poll(t, "resolved notification at the webhook", 30*time.Second, func(context.Context) (bool, error) {
		_, ok := stack.Receiver.First("TargetDown", StatusResolved)
		return ok, nil
	})
	resolvedNote, _ := stack.Receiver.First("TargetDown", StatusResolved)
	t.Logf("target stopped at +0: pending (activeAt) +%.2fs, firing seen +%.2fs, firing notified +%.2fs; restarted +%.2fs, resolved notified +%.2fs",
		pending.ActiveAt.Sub(stopped).Seconds(), firing.At.Sub(stopped).Seconds(), note.Received.Sub(stopped).Seconds(),
		restarted.Sub(stopped).Seconds(), resolvedNote.Received.Sub(stopped).Seconds())
	for _, line := range history.Summary() {
		t.Log(line)
	}
}

func TestStartNamesMissingBinary(t *testing.T) {
	_, err := Start(context.Background(), Options{Dir: t.TempDir(), BinDir: t.TempDir()})
	if !errors.Is(err, framework.ErrMissingBinary) || !containsAll(err.Error(), "prometheus", "alertmanager", "make tools") {
		t.Errorf("err %v, want ErrMissingBinary naming both binaries and `make tools`", err)
	}
}

// testWriter sends log output to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
