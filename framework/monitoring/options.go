package monitoring

import (
	"cmp"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/framework"
)

// Binary names the stack runs from Options.BinDir.
const (
	PrometheusBinary   = "prometheus"
	AlertmanagerBinary = "alertmanager"
	KubeStateBinary    = "kube-state-metrics"
)

// Defaults of Options. The fast profile shortens them with its manifest
// scale: 1.5s intervals and `for:` times a tenth of those written.
const (
	DefaultScrapeInterval     = 15 * time.Second
	DefaultEvaluationInterval = 15 * time.Second
	DefaultReadyTimeout       = time.Minute
	DefaultStopGrace          = 10 * time.Second
	readyPoll                 = 100 * time.Millisecond
)

// DefaultKubeStateArgs returns the flags each kube-state-metrics gets by
// default: only the resources the platform's rules read (fewer watches on a
// simulated apiserver), and the nodes' zone label in kube_node_labels, which
// the remediated ZoneFailure joins on.
func DefaultKubeStateArgs() []string {
	return []string{
		"--resources=nodes,pods,deployments,poddisruptionbudgets",
		"--metric-labels-allowlist=nodes=[topology.kubernetes.io/zone]",
	}
}

// Interval is the scrape and evaluation interval for an environment's
// timings: the default scaled like the profile's other timings (1.5s in
// fast), never below a tenth of it.
func Interval(t framework.Timeouts) time.Duration {
	return max(t.Scale(DefaultScrapeInterval), DefaultScrapeInterval/10)
}

// Region is one cluster whose state a kube-state-metrics exports.
type Region struct {
	Name       string
	Kubeconfig string
}

// Options configure Start. Dir and BinDir are required.
type Options struct {
	// Dir holds the configuration files, the servers' data and their logs
	// (prometheus.log, alertmanager.log, kube-state-metrics-<region>.log).
	Dir string
	// BinDir holds the binaries `make tools` builds.
	BinDir string
	// Regions get one kube-state-metrics each, run with their kubeconfig.
	Regions []Region
	// KubeStateArgs are extra flags for every kube-state-metrics; nil takes
	// DefaultKubeStateArgs.
	KubeStateArgs []string
	// InferenceTargets are the inference servers' first targets; change
	// them with Stack.SetInferenceTargets.
	InferenceTargets []Target
	// Jobs name the inference and storage-probe scrape jobs as the
	// platform's rules select them.
	Jobs Jobs
	// ExternalLabels are Prometheus' external labels. The platform runs a
	// Prometheus in each region's cluster, each with its own region label,
	// and its rules sum over that region only: to evaluate them as written,
	// start one Stack per region with ExternalLabels{"region": name}.
	ExternalLabels map[string]string
	// Probes are the storage endpoints probed blackbox-style.
	Probes []Probe
	// Rules are PrometheusRule manifests, rendered by RuleFile with RuleScale
	// (0 means 1).
	Rules     []*unstructured.Unstructured
	RuleScale float64
	// ScrapeInterval and EvaluationInterval: 0 takes the defaults.
	ScrapeInterval, EvaluationInterval time.Duration
	// GroupWait, GroupInterval and RepeatInterval go to Alertmanager's route
	// (see AlertmanagerConfig).
	GroupWait, GroupInterval, RepeatInterval time.Duration
	// ReadyTimeout bounds each server's start; StopGrace how long Stop waits
	// after SIGTERM before SIGKILL. 0 takes the defaults.
	ReadyTimeout, StopGrace time.Duration
	// Logger receives the stack's events; nil discards them.
	Logger *slog.Logger
}

// defaults fills zero options and checks the rest.
func (o *Options) defaults() error {
	if o.Dir == "" || o.BinDir == "" {
		return framework.Invalidf("monitoring", "options need Dir and BinDir (got %q, %q)", o.Dir, o.BinDir)
	}
	if o.Logger == nil {
		o.Logger = framework.DiscardLogger()
	}
	if o.KubeStateArgs == nil {
		o.KubeStateArgs = DefaultKubeStateArgs()
	}
	o.RuleScale = cmp.Or(o.RuleScale, 1)
	o.ScrapeInterval = cmp.Or(o.ScrapeInterval, DefaultScrapeInterval)
	o.EvaluationInterval = cmp.Or(o.EvaluationInterval, DefaultEvaluationInterval)
	o.ReadyTimeout = cmp.Or(o.ReadyTimeout, DefaultReadyTimeout)
	o.StopGrace = cmp.Or(o.StopGrace, DefaultStopGrace)
	need := []string{PrometheusBinary, AlertmanagerBinary}
	if len(o.Regions) > 0 {
		need = append(need, KubeStateBinary)
	}
	var missing []string
	for _, b := range need {
		if st, err := os.Stat(filepath.Join(o.BinDir, b)); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			missing = append(missing, b)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("monitoring: %v not found in %s (run `make tools`): %w", missing, o.BinDir, framework.ErrMissingBinary)
	}
	for _, r := range o.Regions {
		if r.Name == "" || r.Kubeconfig == "" {
			return framework.Invalidf("monitoring", "region %+v: want a name and a kubeconfig", r)
		}
	}
	return os.MkdirAll(o.Dir, 0o755)
}
