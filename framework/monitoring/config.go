package monitoring

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"gameday.io/gameday/framework"
)

// JobKubeState is the job of the kube-state-metrics scrapes.
const JobKubeState = "kube-state-metrics"

// Jobs name the scrape jobs the platform's rules select on, such as
// up{job="<Inference>"} and probe_success{job="<StorageProbe>"}: they come
// from the platform (its Service, its rules), never from gameday.
type Jobs struct {
	Inference    string
	StorageProbe string
}

// RegionLabel is the target label that names the region a series came from.
const RegionLabel = "region"

// Target is one scrape target: host:port in a region.
type Target struct {
	Region  string
	Address string
}

// Probe is one storage endpoint probed blackbox-style: Prometheus scrapes
// Prober with ?target=URL and records probe_success for it.
type Probe struct {
	Region string
	URL    string
}

// PrometheusConfig is what RenderPrometheus writes into prometheus.yml.
type PrometheusConfig struct {
	// ScrapeInterval is how often every target is scraped; the scrape
	// timeout is the same, capped at 10s.
	ScrapeInterval time.Duration
	// EvaluationInterval is how often the rule groups are evaluated.
	EvaluationInterval time.Duration
	// KubeState lists one kube-state-metrics per region.
	KubeState []Target
	// InferenceSDFile is the file_sd file listing the inference servers
	// (see WriteTargets); Prometheus rereads it when it changes.
	InferenceSDFile string
	// Jobs name the inference and storage-probe jobs (required for each
	// one that is scraped).
	Jobs Jobs
	// ProberAddress is the host:port of the blackbox-style Prober; Probes
	// are the URLs it probes.
	ProberAddress string
	Probes        []Probe
	// RuleFiles are paths of rule files (see RuleFile).
	RuleFiles []string
	// Alertmanager is the host:port alerts are sent to ("" sends none).
	Alertmanager string
	// ExternalLabels are Prometheus' external labels, such as region: the
	// remediated rules template `{{ $externalLabels.region }}` into alert
	// labels, and every alert sent to Alertmanager carries them.
	ExternalLabels map[string]string
}

// RenderPrometheus renders c as a Prometheus configuration file. Bad input
// (no intervals, an address that is not host:port) wraps framework.ErrInvalid.
func RenderPrometheus(c PrometheusConfig) ([]byte, error) {
	if c.ScrapeInterval <= 0 || c.EvaluationInterval <= 0 {
		return nil, framework.Invalidf("prometheus config", "scrape interval %v and evaluation interval %v must be positive", c.ScrapeInterval, c.EvaluationInterval)
	}
	timeout := min(c.ScrapeInterval, 10*time.Second)
	cfg := map[string]any{
		"global": map[string]any{
			"scrape_interval":     FormatDuration(c.ScrapeInterval),
			"scrape_timeout":      FormatDuration(timeout),
			"evaluation_interval": FormatDuration(c.EvaluationInterval),
		},
	}
	if len(c.ExternalLabels) > 0 {
		cfg["global"].(map[string]any)["external_labels"] = c.ExternalLabels
	}
	if len(c.RuleFiles) > 0 {
		cfg["rule_files"] = c.RuleFiles
	}
	if c.Alertmanager != "" {
		if err := checkAddress("alertmanager", c.Alertmanager); err != nil {
			return nil, err
		}
		cfg["alerting"] = map[string]any{"alertmanagers": []any{map[string]any{
			"static_configs": []any{map[string]any{"targets": []string{c.Alertmanager}}},
		}}}
	}
	var scrapes []any
	if len(c.KubeState) > 0 {
		var groups []any
		for _, t := range c.KubeState {
			if err := checkAddress("kube-state-metrics of region "+t.Region, t.Address); err != nil {
				return nil, err
			}
			groups = append(groups, map[string]any{"targets": []string{t.Address}, "labels": map[string]string{RegionLabel: t.Region}})
		}
		// honor_labels keeps the objects' namespace/pod labels as exported.
		scrapes = append(scrapes, map[string]any{"job_name": JobKubeState, "honor_labels": true, "static_configs": groups})
	}
	if c.InferenceSDFile != "" {
		if c.Jobs.Inference == "" {
			return nil, fmt.Errorf("prometheus config: inference targets without a job name (the platform's rules select on it): %w", framework.ErrInvalid)
		}
		scrapes = append(scrapes, map[string]any{
			"job_name":        c.Jobs.Inference,
			"file_sd_configs": []any{map[string]any{"files": []string{c.InferenceSDFile}, "refresh_interval": FormatDuration(c.ScrapeInterval)}},
		})
	}
	if len(c.Probes) > 0 {
		if err := checkAddress("prober", c.ProberAddress); err != nil {
			return nil, err
		}
		if c.Jobs.StorageProbe == "" {
			return nil, fmt.Errorf("prometheus config: storage probes without a job name (the platform's rules select on it): %w", framework.ErrInvalid)
		}
		var groups []any
		for _, p := range c.Probes {
			groups = append(groups, map[string]any{"targets": []string{p.URL}, "labels": map[string]string{RegionLabel: p.Region}})
		}
		scrapes = append(scrapes, map[string]any{
			"job_name": c.Jobs.StorageProbe, "metrics_path": "/probe", "static_configs": groups,
			// The blackbox exporter's pattern: the listed URL becomes ?target=
			// and the instance label, the prober is what is scraped.
			"relabel_configs": []any{
				map[string]any{"source_labels": []string{"__address__"}, "target_label": "__param_target"},
				map[string]any{"source_labels": []string{"__param_target"}, "target_label": "instance"},
				map[string]any{"target_label": "__address__", "replacement": c.ProberAddress},
			},
		})
	}
	if scrapes != nil {
		cfg["scrape_configs"] = scrapes
	}
	return yaml.Marshal(cfg)
}

func checkAddress(what, addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return framework.Invalidf("prometheus config", "%s address %q: want host:port", what, addr)
	}
	return nil
}

// WriteTargets writes targets as a file_sd file (one group per region, each
// with its region label) by renaming a complete temporary file over path, so
// that Prometheus never reads half a file. Regions and addresses are sorted.
func WriteTargets(path string, targets []Target) error {
	byRegion := map[string][]string{}
	for _, t := range targets {
		if _, _, err := net.SplitHostPort(t.Address); err != nil || t.Region == "" {
			return framework.Invalidf("inference targets", "target %+v: want a region and host:port", t)
		}
		byRegion[t.Region] = append(byRegion[t.Region], t.Address)
	}
	type group struct {
		Targets []string          `json:"targets"`
		Labels  map[string]string `json:"labels"`
	}
	groups := []group{}
	for _, r := range slices.Sorted(maps.Keys(byRegion)) {
		addrs := byRegion[r]
		slices.Sort(addrs)
		groups = append(groups, group{Targets: slices.Compact(addrs), Labels: map[string]string{RegionLabel: r}})
	}
	data, err := json.MarshalIndent(groups, "", "  ")
	if err != nil {
		return fmt.Errorf("encode targets: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".targets-*.json")
	if err != nil {
		return fmt.Errorf("write targets %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write targets %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write targets %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write targets %s: %w", path, err)
	}
	return nil
}
