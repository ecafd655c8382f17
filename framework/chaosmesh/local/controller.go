package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/chaosmesh"
)

// Defaults of Config.
const (
	// DefaultNamespace holds the controller's leader-election Lease and is
	// where it looks for chaos-daemon pods (as the Helm chart's namespace).
	DefaultNamespace = "chaos-mesh"
	// DefaultReadyTimeout bounds Start's wait for the controller's Lease.
	DefaultReadyTimeout = 2 * time.Minute
	// stopGrace is how long Stop waits for the two SIGTERMs (half each) before SIGKILL.
	stopGrace = 10 * time.Second
)

// Config says which controller to run against which cluster.
type Config struct {
	// Binary is the chaos-controller-manager executable (bin/chaos-controller-manager).
	Binary string
	// Kubeconfig is the cluster's kubeconfig file.
	Kubeconfig string
	// Dir receives the webhook certificate and chaos-controller-manager.log.
	Dir string
	// Namespace is the controller's namespace (default DefaultNamespace); it is created if missing.
	Namespace string
	// Webhooks registers the controller's mutating and validating webhooks
	// with the API server (URL https://127.0.0.1:port/...), as a Helm install does.
	Webhooks bool
	// ReadyTimeout bounds the wait for the controller to hold its Lease (default DefaultReadyTimeout).
	ReadyTimeout time.Duration
	// LeaseDuration is the leader-election Lease's duration; the controller
	// renews it within two thirds of it and exits when it cannot (default:
	// the controller's own, 15 s). A busy API server (kind's, on a machine
	// also loading images) can miss a 10 s renew deadline; a longer lease
	// keeps the controller, and makes a dead one's Lease go stale later.
	LeaseDuration time.Duration
	// Logger receives progress (default: discard).
	Logger *slog.Logger
}

// Controller is a running chaos-controller-manager process.
type Controller struct {
	cfg      Config
	cmd      *exec.Cmd
	log      string
	dyn      dynamic.Interface
	exited   chan struct{}
	waitErr  error
	webhooks []string // names of the webhook configurations registered
	stopOnce sync.Once
	stopErr  error
}

// Start runs the controller and returns once it holds its leader-election
// Lease (and, with Config.Webhooks, once the API server calls its webhooks).
// The chaos-mesh CRDs must be installed first (chaosmesh.Client.InstallCRDs).
// On error nothing is left running. The caller must Stop the Controller.
func Start(ctx context.Context, cfg Config) (*Controller, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	rc, err := clientcmd.BuildConfigFromFlags("", cfg.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("chaos controller: kubeconfig %s: %w", cfg.Kubeconfig, err)
	}
	c := &Controller{cfg: cfg, log: filepath.Join(cfg.Dir, "chaos-controller-manager.log"), exited: make(chan struct{})}
	if c.dyn, err = dynamic.NewForConfig(rc); err != nil {
		return nil, fmt.Errorf("chaos controller: client for %s: %w", rc.Host, err)
	}
	if err := c.ensureNamespace(ctx); err != nil {
		return nil, err
	}
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	certDir := filepath.Join(cfg.Dir, "certs")
	caBundle, err := writeServingCert(certDir, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	if err := c.start(certDir, ports[0], ports[1]); err != nil {
		return nil, err
	}
	cfg.Logger.Info("chaos controller started", "pid", c.PID(), "log", c.log, "webhook", fmt.Sprintf("127.0.0.1:%d", ports[0]))
	if err := c.waitReady(ctx, ports[0]); err != nil {
		return nil, errors.Join(err, c.Stop(context.WithoutCancel(ctx)))
	}
	if cfg.Webhooks {
		err := c.registerWebhooks(ctx, ports[0], caBundle)
		if err == nil {
			err = c.waitWebhooks(ctx)
		}
		if err != nil {
			return nil, errors.Join(err, c.Stop(context.WithoutCancel(ctx)))
		}
	}
	return c, nil
}

func (cfg *Config) defaults() error {
	if cfg.Binary == "" || cfg.Kubeconfig == "" || cfg.Dir == "" {
		return framework.Invalidf("chaos controller", "Binary, Kubeconfig and Dir are required (got %q, %q, %q)", cfg.Binary, cfg.Kubeconfig, cfg.Dir)
	}
	if st, err := os.Stat(cfg.Binary); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("chaos controller: %s is not an executable (run hack/chaos-mesh/build.sh): %w", cfg.Binary, framework.ErrMissingBinary)
	}
	if cfg.Namespace == "" {
		cfg.Namespace = DefaultNamespace
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = DefaultReadyTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = framework.DiscardLogger()
	}
	return os.MkdirAll(cfg.Dir, 0o755)
}

func (c *Controller) ensureNamespace(ctx context.Context) error {
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": c.cfg.Namespace}}}
	_, err := c.dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Create(ctx, ns, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("chaos controller: create namespace %s: %w", c.cfg.Namespace, err)
	}
	return nil
}

// start launches the process with the environment chaos-mesh's
// controllers/config reads; every listener is bound to 127.0.0.1.
func (c *Controller) start(certDir string, webhookPort, metricsPort int) error {
	logf, err := os.OpenFile(c.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("chaos controller log: %w", err)
	}
	cmd := exec.Command(c.cfg.Binary)
	cmd.Env = append(os.Environ(),
		"KUBECONFIG="+c.cfg.Kubeconfig,
		"NAMESPACE="+c.cfg.Namespace,
		"ENABLE_LEADER_ELECTION=true",
		"WEBHOOK_HOST=127.0.0.1", "WEBHOOK_PORT="+strconv.Itoa(webhookPort), "CERTS_DIR="+certDir,
		"METRICS_HOST=127.0.0.1", "METRICS_PORT="+strconv.Itoa(metricsPort),
		"PPROF_ADDR=0",
	)
	if d := c.cfg.LeaseDuration; d > 0 {
		cmd.Env = append(cmd.Env, "LEADER_ELECT_LEASE_DURATION="+d.String(),
			"LEADER_ELECT_RENEW_DEADLINE="+(d*2/3).String(), "LEADER_ELECT_RETRY_PERIOD="+max(d/8, time.Second).String())
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("chaos controller: start %s: %w", c.cfg.Binary, err)
	}
	c.cmd = cmd
	go func() {
		c.waitErr = cmd.Wait()
		logf.Close()
		close(c.exited)
	}()
	return nil
}

// waitReady polls until the controller holds a fresh Lease and its webhook
// port accepts connections; it fails at once if the process exits.
func (c *Controller) waitReady(ctx context.Context, webhookPort int) error {
	cm, err := chaosmesh.New(c.dyn, chaosmesh.WithControllerNamespaces(c.cfg.Namespace))
	if err != nil {
		return err
	}
	var last error
	err = wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, c.cfg.ReadyTimeout, true, func(ctx context.Context) (bool, error) {
		select {
		case <-c.exited:
			return false, fmt.Errorf("chaos controller exited (%v); log %s ends:\n%s", c.waitErr, c.log, tail(c.log, 15))
		default:
		}
		if last = cm.Installed(ctx); last != nil {
			return false, nil
		}
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", webhookPort), time.Second)
		if err != nil {
			last = fmt.Errorf("webhook server: %w", err)
			return false, nil
		}
		conn.Close()
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("chaos controller (pid %d) not ready after %s: %w (last check: %v); log %s ends:\n%s",
			c.PID(), c.cfg.ReadyTimeout, err, last, c.log, tail(c.log, 15))
	}
	return nil
}

// PID returns the controller's process id.
func (c *Controller) PID() int { return c.cmd.Process.Pid }

// LogPath returns the controller's log file.
func (c *Controller) LogPath() string { return c.log }

// Stop removes the webhook registrations, then ends the process by its PID
// and waits for it. The upstream binary needs two SIGTERMs: the first stops
// its controller manager, after which its fx application waits for another
// signal. SIGKILL follows if it is still running after stopGrace. Idempotent.
func (c *Controller) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		err := c.unregisterWebhooks(ctx)
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGTERM, syscall.SIGKILL} {
			if c.exitedWithin(0) {
				break
			}
			_ = c.cmd.Process.Signal(sig)
			if c.exitedWithin(stopGrace / 2) {
				break
			}
		}
		<-c.exited
		c.cfg.Logger.Info("chaos controller stopped", "pid", c.PID())
		c.stopErr = err
	})
	return c.stopErr
}
