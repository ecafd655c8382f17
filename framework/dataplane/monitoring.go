package dataplane

import (
	"context"
	"net/url"
	"path/filepath"
	"regexp"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/monitoring"
	"gameday.io/gameday/framework/traffic/gateway"
)

// MonitoringStatus is where a region's monitoring stack answers.
type MonitoringStatus struct {
	PrometheusURL   string `json:"prometheusURL"`
	AlertmanagerURL string `json:"alertmanagerURL"`
}

// startMonitoring runs the region's monitoring stack, as the platform runs
// one Prometheus per cluster: its kube-state-metrics, the platform's
// PrometheusRules with their `for:` scaled by the profile, the region's
// inference servers (fed from the gateway's endpoints) and a probe of its
// model storage as the pods reach it, every series labelled with the region.
func (a *Agent) startMonitoring(ctx context.Context, rp *regionPlane) error {
	t := a.cfg.Timeouts
	interval := monitoring.Interval(t)
	st, err := monitoring.Start(ctx, monitoring.Options{
		Dir: filepath.Join(a.cfg.Dir, "monitoring", rp.name), BinDir: a.cfg.BinDir,
		Regions:        []monitoring.Region{{Name: rp.name, Kubeconfig: rp.kubeconfig}},
		Jobs:           jobsFor(a.cfg.Platform.PrometheusRules, a.service().Name),
		ExternalLabels: map[string]string{monitoring.RegionLabel: rp.name},
		// The storage endpoint the pods load their models from: the
		// regional cache in front of the region's S3 server.
		Probes: []monitoring.Probe{{Region: rp.name, URL: rp.cache.URL() + "/"}},
		Rules:  a.cfg.Platform.PrometheusRules, RuleScale: t.ManifestScale,
		ScrapeInterval: interval, EvaluationInterval: interval,
		Logger: a.log.With("region", rp.name, "part", "monitoring"),
	})
	if err != nil {
		return err
	}
	rp.monitoring = st
	return nil
}

// monitoredSink passes a region's endpoints to its gateway and, as scrape
// targets, to its Prometheus.
type monitoredSink struct {
	EndpointSink
	rp *regionPlane
	a  *Agent
}

func (m monitoredSink) SetEndpoints(eps []gateway.Endpoint) error {
	err := m.EndpointSink.SetEndpoints(eps)
	targets := make([]monitoring.Target, 0, len(eps))
	for _, ep := range eps {
		if u, perr := url.Parse(ep.URL); perr == nil && u.Host != "" {
			targets = append(targets, monitoring.Target{Region: m.rp.name, Address: u.Host})
		}
	}
	if terr := m.rp.monitoring.SetInferenceTargets(targets); terr != nil {
		m.a.log.Warn("update the inference scrape targets", "region", m.rp.name, "err", terr)
	}
	return err
}

var jobSelector = regexp.MustCompile(`\b(up|probe_success)\s*\{[^}]*\bjob\s*=\s*"([^"]+)"`)

// jobsFor names the scrape jobs as the platform's rules select them
// (up{job="..."} for the inference servers, probe_success{job="..."} for
// model storage); without such a selector the inference job is the
// Service's name, as a ServiceMonitor names it, and the probe job
// "model-storage".
func jobsFor(rules []*unstructured.Unstructured, service string) monitoring.Jobs {
	j := monitoring.Jobs{Inference: service, StorageProbe: "model-storage"}
	for _, r := range fixtures.PromRules(rules) {
		for _, m := range jobSelector.FindAllStringSubmatch(r.Expr, -1) {
			if m[1] == "up" {
				j.Inference = m[2]
			} else {
				j.StorageProbe = m[2]
			}
		}
	}
	return j
}
