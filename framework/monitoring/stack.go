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
	"sync"
	"time"
)

// Stack is a running monitoring stack. Stop it when done.
type Stack struct {
	// PrometheusURL and AlertmanagerURL are the servers' base URLs.
	PrometheusURL, AlertmanagerURL string
	// Prometheus reads Prometheus' HTTP API.
	Prometheus *Client
	// Receiver records every notification Alertmanager sends.
	Receiver *Receiver

	log    *slog.Logger
	grace  time.Duration
	sdFile string
	procs  []*process
	server *http.Server

	stopOnce sync.Once
	stopErr  error
}

// Start runs kube-state-metrics per region, Alertmanager and Prometheus on
// free 127.0.0.1 ports, with a loopback server of its own for Alertmanager's
// webhook and the storage probes, and returns once each answers its
// readiness check. On error everything already started is stopped.
func Start(ctx context.Context, o Options) (_ *Stack, err error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	s := &Stack{log: o.Logger, grace: o.StopGrace, Receiver: NewReceiver(o.Logger), sdFile: filepath.Join(o.Dir, "inference-targets.json")}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Stop())
		}
	}()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("monitoring: listen for the webhook: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/alerts", s.Receiver)
	mux.Handle("/probe", &Prober{})
	s.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.server.Serve(l) //nolint:errcheck // ends with Shutdown
	local := l.Addr().String()

	cfg := PrometheusConfig{ScrapeInterval: o.ScrapeInterval, EvaluationInterval: o.EvaluationInterval,
		InferenceSDFile: s.sdFile, ProberAddress: local, Probes: o.Probes, ExternalLabels: o.ExternalLabels}
	type ready struct {
		p   *process
		url string
	}
	var waits []ready
	for _, r := range o.Regions {
		addr, err := freeAddress()
		if err != nil {
			return nil, err
		}
		telemetry, err := freeAddress()
		if err != nil {
			return nil, err
		}
		host, port, _ := net.SplitHostPort(addr)
		thost, tport, _ := net.SplitHostPort(telemetry)
		args := append([]string{"--kubeconfig=" + r.Kubeconfig, "--host=" + host, "--port=" + port,
			"--telemetry-host=" + thost, "--telemetry-port=" + tport}, o.KubeStateArgs...)
		p, err := s.start(o, KubeStateBinary+"-"+r.Name, KubeStateBinary, args)
		if err != nil {
			return nil, err
		}
		waits = append(waits, ready{p, "http://" + addr + "/healthz"})
		cfg.KubeState = append(cfg.KubeState, Target{Region: r.Name, Address: addr})
	}

	amAddr, err := freeAddress()
	if err != nil {
		return nil, err
	}
	am, err := RenderAlertmanager(AlertmanagerConfig{WebhookURL: "http://" + local + "/alerts",
		GroupWait: o.GroupWait, GroupInterval: o.GroupInterval, RepeatInterval: o.RepeatInterval})
	if err != nil {
		return nil, err
	}
	amFile := filepath.Join(o.Dir, "alertmanager.yml")
	if err := os.WriteFile(amFile, am, 0o644); err != nil {
		return nil, fmt.Errorf("monitoring: %w", err)
	}
	p, err := s.start(o, AlertmanagerBinary, AlertmanagerBinary, []string{"--config.file=" + amFile,
		"--storage.path=" + filepath.Join(o.Dir, "alertmanager-data"), "--web.listen-address=" + amAddr,
		"--cluster.listen-address="}) // no gossip listener: a single instance
	if err != nil {
		return nil, err
	}
	s.AlertmanagerURL = "http://" + amAddr
	waits = append(waits, ready{p, s.AlertmanagerURL + "/-/ready"})
	cfg.Alertmanager = amAddr

	for i, r := range o.Rules {
		data, err := RuleFile(r, o.RuleScale)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(o.Dir, fmt.Sprintf("rules-%d-%s.yml", i, r.GetName()))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, fmt.Errorf("monitoring: %w", err)
		}
		cfg.RuleFiles = append(cfg.RuleFiles, path)
	}
	if err := WriteTargets(s.sdFile, o.InferenceTargets); err != nil {
		return nil, err
	}
	prom, err := RenderPrometheus(cfg)
	if err != nil {
		return nil, err
	}
	promFile := filepath.Join(o.Dir, "prometheus.yml")
	if err := os.WriteFile(promFile, prom, 0o644); err != nil {
		return nil, fmt.Errorf("monitoring: %w", err)
	}
	promAddr, err := freeAddress()
	if err != nil {
		return nil, err
	}
	if p, err = s.start(o, PrometheusBinary, PrometheusBinary, []string{"--config.file=" + promFile,
		"--storage.tsdb.path=" + filepath.Join(o.Dir, "prometheus-data"), "--web.listen-address=" + promAddr}); err != nil {
		return nil, err
	}
	s.PrometheusURL = "http://" + promAddr
	s.Prometheus = NewClient(s.PrometheusURL)
	waits = append(waits, ready{p, s.PrometheusURL + "/-/ready"})

	for _, w := range waits {
		if err := w.p.waitReady(ctx, w.url, readyPoll, o.ReadyTimeout); err != nil {
			return nil, fmt.Errorf("monitoring: %w", err)
		}
	}
	s.log.Info("monitoring stack ready", "prometheus", s.PrometheusURL, "alertmanager", s.AlertmanagerURL, "pids", s.PIDs())
	return s, nil
}

func (s *Stack) start(o Options, name, binary string, args []string) (*process, error) {
	p, err := startProcess(name, filepath.Join(o.BinDir, binary), args, filepath.Join(o.Dir, name+".log"))
	if err != nil {
		return nil, fmt.Errorf("monitoring: %w", err)
	}
	s.procs = append(s.procs, p)
	s.log.Debug("started", "process", name, "pid", p.PID(), "args", args)
	return p, nil
}

// SetInferenceTargets replaces the inference servers Prometheus scrapes;
// Prometheus picks the change up within a scrape interval or so.
func (s *Stack) SetInferenceTargets(targets []Target) error {
	return WriteTargets(s.sdFile, targets)
}

// PIDs returns the process id of each running server by name
// (kube-state-metrics-<region>, alertmanager, prometheus).
func (s *Stack) PIDs() map[string]int {
	out := map[string]int{}
	for _, p := range s.procs {
		out[p.name] = p.PID()
	}
	return out
}

// Stop ends the stack's processes (by PID, newest first; SIGKILL after the
// grace period) and its loopback server, and waits for them. Calling it
// again returns the first call's error.
func (s *Stack) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Stack) stop() error {
	var errs []error
	for i := len(s.procs) - 1; i >= 0; i-- {
		errs = append(errs, s.procs[i].stop(s.grace, s.log))
	}
	if s.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), s.grace)
		defer cancel()
		errs = append(errs, s.server.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
