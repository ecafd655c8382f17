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
		InferenceSDFile: s.sdFile, Jobs: o.Jobs, ProberAddress: local, Probes: o.Probes, ExternalLabels: o.ExternalLabels}
	for _, r := range o.Regions {
		addr, err := s.startKubeState(o, r)
		if err != nil {
			return nil, err
		}
		cfg.KubeState = append(cfg.KubeState, Target{Region: r.Name, Address: addr})
	}
	if cfg.Alertmanager, err = s.startAlertmanager(o, "http://"+local+"/alerts"); err != nil {
		return nil, err
	}
	if err := s.startPrometheus(o, cfg); err != nil {
		return nil, err
	}
	// All start at once; the slowest sets the start-up time.
	for _, p := range s.procs {
		if err := p.waitReady(ctx, p.readyURL, readyPoll, o.ReadyTimeout); err != nil {
			return nil, fmt.Errorf("monitoring: %w", err)
		}
	}
	s.log.Info("monitoring stack ready", "prometheus", s.PrometheusURL, "alertmanager", s.AlertmanagerURL, "pids", s.PIDs())
	return s, nil
}

// startKubeState starts one region's kube-state-metrics and returns the
// address its metrics are served on.
func (s *Stack) startKubeState(o Options, r Region) (string, error) {
	addr, err := freeAddress()
	if err != nil {
		return "", err
	}
	telemetry, err := freeAddress()
	if err != nil {
		return "", err
	}
	host, port, _ := net.SplitHostPort(addr)
	thost, tport, _ := net.SplitHostPort(telemetry)
	args := append([]string{"--kubeconfig=" + r.Kubeconfig, "--host=" + host, "--port=" + port,
		"--telemetry-host=" + thost, "--telemetry-port=" + tport}, o.KubeStateArgs...)
	err = s.start(o, KubeStateBinary+"-"+r.Name, KubeStateBinary, "http://"+addr+"/healthz", args)
	return addr, err
}

// startAlertmanager starts Alertmanager routing to webhook and returns its address.
func (s *Stack) startAlertmanager(o Options, webhook string) (string, error) {
	addr, err := freeAddress()
	if err != nil {
		return "", err
	}
	am, err := RenderAlertmanager(AlertmanagerConfig{WebhookURL: webhook,
		GroupWait: o.GroupWait, GroupInterval: o.GroupInterval, RepeatInterval: o.RepeatInterval})
	if err != nil {
		return "", err
	}
	file := filepath.Join(o.Dir, "alertmanager.yml")
	if err := os.WriteFile(file, am, 0o644); err != nil {
		return "", fmt.Errorf("monitoring: %w", err)
	}
	s.AlertmanagerURL = "http://" + addr
	err = s.start(o, AlertmanagerBinary, AlertmanagerBinary, s.AlertmanagerURL+"/-/ready", []string{
		"--config.file=" + file, "--storage.path=" + filepath.Join(o.Dir, "alertmanager-data"),
		"--web.listen-address=" + addr, "--cluster.listen-address="}) // no gossip listener: a single instance
	return addr, err
}

// startPrometheus writes the rule files, the targets and the configuration,
// and starts Prometheus.
func (s *Stack) startPrometheus(o Options, cfg PrometheusConfig) error {
	for i, r := range o.Rules {
		data, err := RuleFile(r, o.RuleScale)
		if err != nil {
			return err
		}
		path := filepath.Join(o.Dir, fmt.Sprintf("rules-%d-%s.yml", i, r.GetName()))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("monitoring: %w", err)
		}
		cfg.RuleFiles = append(cfg.RuleFiles, path)
	}
	if err := WriteTargets(s.sdFile, o.InferenceTargets); err != nil {
		return err
	}
	prom, err := RenderPrometheus(cfg)
	if err != nil {
		return err
	}
	file := filepath.Join(o.Dir, "prometheus.yml")
	if err := os.WriteFile(file, prom, 0o644); err != nil {
		return fmt.Errorf("monitoring: %w", err)
	}
	addr, err := freeAddress()
	if err != nil {
		return err
	}
	s.PrometheusURL = "http://" + addr
	s.Prometheus = NewClient(s.PrometheusURL)
	err = s.start(o, PrometheusBinary, PrometheusBinary, s.PrometheusURL+"/-/ready", []string{
		"--config.file=" + file, "--storage.tsdb.path=" + filepath.Join(o.Dir, "prometheus-data"),
		"--web.listen-address=" + addr,
		// Prometheus applies target changes (file_sd included) at most every
		// 5s; a faster scrape interval shortens that throttle in proportion.
		"--scrape.discovery-reload-interval=" + FormatDuration(min(5*time.Second, o.ScrapeInterval))})
	return err
}

// start starts one server whose readiness check is readyURL.
func (s *Stack) start(o Options, name, binary, readyURL string, args []string) error {
	p, err := startProcess(name, filepath.Join(o.BinDir, binary), args, filepath.Join(o.Dir, name+".log"))
	if err != nil {
		return fmt.Errorf("monitoring: %w", err)
	}
	p.readyURL = readyURL
	s.procs = append(s.procs, p)
	s.log.Debug("started", "process", name, "pid", p.PID(), "args", args)
	return nil
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
