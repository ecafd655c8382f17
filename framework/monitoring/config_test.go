package monitoring

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"gameday.io/gameday/framework"
)

// promDoc is the part of prometheus.yml the tests read.
type promDoc struct {
	Global struct {
		ScrapeInterval     string            `yaml:"scrape_interval"`
		ScrapeTimeout      string            `yaml:"scrape_timeout"`
		EvaluationInterval string            `yaml:"evaluation_interval"`
		ExternalLabels     map[string]string `yaml:"external_labels"`
	} `yaml:"global"`
	RuleFiles []string `yaml:"rule_files"`
	Alerting  struct {
		Alertmanagers []struct {
			StaticConfigs []staticConfig `yaml:"static_configs"`
		} `yaml:"alertmanagers"`
	} `yaml:"alerting"`
	ScrapeConfigs []struct {
		JobName       string         `yaml:"job_name"`
		MetricsPath   string         `yaml:"metrics_path"`
		HonorLabels   bool           `yaml:"honor_labels"`
		StaticConfigs []staticConfig `yaml:"static_configs"`
		FileSD        []struct {
			Files []string `yaml:"files"`
		} `yaml:"file_sd_configs"`
		Relabel []map[string]any `yaml:"relabel_configs"`
	} `yaml:"scrape_configs"`
}

type staticConfig struct {
	Targets []string          `yaml:"targets"`
	Labels  map[string]string `yaml:"labels"`
}

func TestRenderPrometheus(t *testing.T) {
	data, err := RenderPrometheus(PrometheusConfig{
		ScrapeInterval: 1500 * time.Millisecond, EvaluationInterval: time.Second,
		KubeState:       []Target{{"us-east1", "127.0.0.1:9001"}, {"us-west1", "127.0.0.1:9002"}},
		InferenceSDFile: "/tmp/x/targets.json",
		Jobs:            referenceJobs,
		ProberAddress:   "127.0.0.1:9100",
		Probes:          []Probe{{"us-east1", "http://127.0.0.1:7070/"}},
		RuleFiles:       []string{"/tmp/x/rules.yml"},
		Alertmanager:    "127.0.0.1:9093",
		ExternalLabels:  map[string]string{"region": "us-east1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc promDoc
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if g := doc.Global; g.ScrapeInterval != "1s500ms" || g.ScrapeTimeout != "1s500ms" || g.EvaluationInterval != "1s" ||
		!reflect.DeepEqual(g.ExternalLabels, map[string]string{"region": "us-east1"}) {
		t.Errorf("global %+v, want 1s500ms scrapes, 1s evaluations, the region external label", g)
	}
	if !reflect.DeepEqual(doc.RuleFiles, []string{"/tmp/x/rules.yml"}) {
		t.Errorf("rule_files %v", doc.RuleFiles)
	}
	if am := doc.Alerting.Alertmanagers; len(am) != 1 || !reflect.DeepEqual(am[0].StaticConfigs[0].Targets, []string{"127.0.0.1:9093"}) {
		t.Errorf("alerting %+v, want the one Alertmanager", am)
	}
	if len(doc.ScrapeConfigs) != 3 {
		t.Fatalf("scrape configs %+v, want kube-state-metrics, inference and probes", doc.ScrapeConfigs)
	}
	ksm, inf, probe := doc.ScrapeConfigs[0], doc.ScrapeConfigs[1], doc.ScrapeConfigs[2]
	if ksm.JobName != JobKubeState || !ksm.HonorLabels || len(ksm.StaticConfigs) != 2 ||
		ksm.StaticConfigs[1].Targets[0] != "127.0.0.1:9002" || ksm.StaticConfigs[1].Labels[RegionLabel] != "us-west1" {
		t.Errorf("kube-state-metrics job %+v: want one target per region with its region label", ksm)
	}
	if inf.JobName != "inference-service" || len(inf.FileSD) != 1 || inf.FileSD[0].Files[0] != "/tmp/x/targets.json" {
		t.Errorf("inference job %+v: want job inference-service from the file_sd file", inf)
	}
	if probe.JobName != "model-storage-probe" || probe.MetricsPath != "/probe" ||
		probe.StaticConfigs[0].Targets[0] != "http://127.0.0.1:7070/" || probe.StaticConfigs[0].Labels[RegionLabel] != "us-east1" {
		t.Errorf("probe job %+v", probe)
	}
	if len(probe.Relabel) != 3 || probe.Relabel[0]["target_label"] != "__param_target" || probe.Relabel[2]["replacement"] != "127.0.0.1:9100" {
		t.Errorf("probe relabelling %v: want target to __param_target and instance, the prober as __address__", probe.Relabel)
	}
}

func TestRenderPrometheusCapsScrapeTimeout(t *testing.T) {
	data, err := RenderPrometheus(PrometheusConfig{ScrapeInterval: time.Minute, EvaluationInterval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "scrape_timeout: 10s") || strings.Contains(string(data), "scrape_configs") {
		t.Errorf("want a 10s scrape timeout and no scrape configs:\n%s", data)
	}
}

func TestRenderPrometheusRejects(t *testing.T) {
	good := PrometheusConfig{ScrapeInterval: time.Second, EvaluationInterval: time.Second}
	for name, mutate := range map[string]func(*PrometheusConfig){
		"no scrape interval": func(c *PrometheusConfig) { c.ScrapeInterval = 0 },
		"bad alertmanager":   func(c *PrometheusConfig) { c.Alertmanager = "localhost" },
		"bad ksm":            func(c *PrometheusConfig) { c.KubeState = []Target{{"r", "nowhere"}} },
		"probes, no prober":  func(c *PrometheusConfig) { c.Probes = []Probe{{"r", "http://127.0.0.1:1/"}} },
		"targets, no job": func(c *PrometheusConfig) {
			c.InferenceSDFile, c.Jobs = "/tmp/x/targets.json", Jobs{StorageProbe: "p"}
		},
		"probes, no job": func(c *PrometheusConfig) {
			c.ProberAddress, c.Probes, c.Jobs = "127.0.0.1:9100", []Probe{{"r", "http://127.0.0.1:1/"}}, Jobs{Inference: "i"}
		},
	} {
		c := good
		mutate(&c)
		if _, err := RenderPrometheus(c); !errors.Is(err, framework.ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", name, err)
		}
	}
}

func TestWriteTargets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "targets.json")
	for _, targets := range [][]Target{
		{{"us-west1", "127.0.0.1:3"}, {"us-east1", "127.0.0.1:2"}, {"us-east1", "127.0.0.1:1"}, {"us-east1", "127.0.0.1:1"}},
		{}, // every pod gone: an empty list, not a missing file
	} {
		if err := WriteTargets(path, targets); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var got []staticConfig
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		var want []staticConfig
		if len(targets) > 0 {
			want = []staticConfig{
				{Targets: []string{"127.0.0.1:1", "127.0.0.1:2"}, Labels: map[string]string{"region": "us-east1"}},
				{Targets: []string{"127.0.0.1:3"}, Labels: map[string]string{"region": "us-west1"}},
			}
		}
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("file_sd %s, want %+v", data, want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %d files, want only the targets file (temporary files removed)", len(entries))
	}
	if err := WriteTargets(path, []Target{{"", "127.0.0.1:1"}}); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("target without region: err %v, want ErrInvalid", err)
	}
}

// referenceJobs are the jobs the reference platform's rules select on.
var referenceJobs = Jobs{Inference: "inference-service", StorageProbe: "model-storage-probe"}
