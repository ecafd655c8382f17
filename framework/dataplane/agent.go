package dataplane

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/monitoring"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/sensor"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/topology"
	"gameday.io/gameday/framework/traffic/gateway"
	"gameday.io/gameday/framework/traffic/globallb"
)

// AgentConfig configures an environment's data plane.
type AgentConfig struct {
	// Env names the regions and their kubeconfigs.
	Env *framework.Environment
	// Platform supplies the DestinationRule (outlier detection, failover order)
	// and the namespace of the inference Deployment.
	Platform *fixtures.Platform
	Timeouts framework.Timeouts
	// BinDir holds versitygw and inference-sim.
	BinDir string
	// Dir receives storage data and logs.
	Dir string
	// Provider is the environment's provider: its abilities host pods
	// (sim), stop control planes (region outage) and bring stopped nodes
	// back when their fault runs out.
	Provider provider.Provider
	// HostAddress is where pods reach the data plane's storage (default
	// 127.0.0.1: pods served on this machine).
	HostAddress string
	// Buckets are the platform's model and backup buckets (zero: read from
	// the platform's backup CronJob, else the environment's topology file).
	Buckets storage.Buckets
	// Credentials are the S3 root keys of every region's storage.
	AccessKey, SecretKey string
	// Monitoring runs, per region, a real Prometheus evaluating the
	// platform's PrometheusRules, an Alertmanager and a kube-state-metrics
	// (framework/monitoring; the binaries come from `make tools`).
	Monitoring bool
	Logger     *slog.Logger
}

// Agent is a running data plane.
type Agent struct {
	cfg     AgentConfig
	log     *slog.Logger
	mesh    Mesh
	regions []*regionPlane
	lb      *globallb.LB
	repl    map[string]*storage.Replicator // by destination region
	faults  *faultTable

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// regionPlane is one region's share of the data plane.
type regionPlane struct {
	name       string
	kubeconfig string
	cluster    provider.Cluster
	role       framework.Role
	client     kubernetes.Interface
	server     *storage.Server
	cache      *storage.Cache
	gw         *gateway.Gateway
	pods       provider.Pods // nil when real kubelets run the pods
	eps        *endpointSync
	// monitoring is the region's Prometheus and Alertmanager (nil unless
	// AgentConfig.Monitoring).
	monitoring *monitoring.Stack
	// sensor carries out the platform's Sensor with the region's alerts
	// (nil without monitoring or a Sensor).
	sensor *sensor.Runner
}

// StartAgent brings the data plane up: each region's model storage (seeded
// in the primary, replicated to the others), gateway and kubelet, then the
// global load balancer. It returns once everything listens; inference pods
// become Ready on their own probe timings. On error everything started is
// stopped again.
func StartAgent(ctx context.Context, cfg AgentConfig) (a *Agent, err error) {
	if cfg.Logger == nil {
		cfg.Logger = framework.DiscardLogger()
	}
	if cfg.Provider == nil {
		return nil, fmt.Errorf("data plane: no provider: %w", framework.ErrInvalid)
	}
	if cp, ok := cfg.Provider.(provider.ContainerPods); ok && cfg.HostAddress == "" {
		if cfg.HostAddress, err = cp.HostAddress(ctx); err != nil {
			return nil, fmt.Errorf("data plane: where %s's pods reach this machine: %w", cfg.Provider.Name(), err)
		}
	}
	if cfg.HostAddress == "" {
		cfg.HostAddress = "127.0.0.1"
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, fmt.Errorf("data plane: S3 credentials are required: %w", framework.ErrInvalid)
	}
	if cfg.Buckets.IsZero() {
		if cfg.Buckets, err = platformBuckets(cfg); err != nil {
			return nil, fmt.Errorf("data plane: %w", err)
		}
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a = &Agent{cfg: cfg, log: cfg.Logger, cancel: cancel, faults: newFaultTable(), repl: map[string]*storage.Replicator{}}
	defer func() {
		if err != nil {
			err = errors.Join(err, a.Close(context.WithoutCancel(ctx)))
			a = nil
		}
	}()
	vs, route := RouteTo(cfg.Platform.VirtualServices, a.service())
	a.mesh = MeshFrom(cfg.Platform.DestinationRule, vs, route, cfg.Timeouts)
	for i, r := range cfg.Env.Regions {
		rp, err := a.startRegion(ctx, runCtx, i, r)
		if rp != nil {
			a.regions = append(a.regions, rp) // so Close stops what did start
		}
		if err != nil {
			return a, fmt.Errorf("data plane of region %s: %w", r.Name, err)
		}
	}
	if err := a.startStorageReplication(ctx, runCtx); err != nil {
		return a, err
	}
	if err := a.startSensor(runCtx); err != nil {
		return a, err
	}
	if err := a.startLB(runCtx); err != nil {
		return a, err
	}
	a.go_(func() { a.faults.expire(runCtx, a) })
	return a, nil
}

// go_ runs f in the background until Close.
func (a *Agent) go_(f func()) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		f()
	}()
}

func (a *Agent) startRegion(ctx, runCtx context.Context, index int, r framework.Region) (*regionPlane, error) {
	rp := &regionPlane{name: r.Name, role: r.Role, cluster: provider.ClusterOf(r), kubeconfig: r.Kubeconfig}
	log := a.log.With("region", r.Name)
	c, err := cluster.Client(r.Kubeconfig)
	if err != nil {
		return nil, err
	}
	rp.client = c
	dir := filepath.Join(a.cfg.Dir, "storage", r.Name)
	rp.server, err = storage.StartServer(ctx, storage.ServerConfig{
		Region: r.Name, Dir: dir, Binary: filepath.Join(a.cfg.BinDir, "versitygw"),
		AccessKey: a.cfg.AccessKey, SecretKey: a.cfg.SecretKey, Logger: log,
	})
	if err != nil {
		return rp, err
	}
	rp.cache, err = storage.NewCache(rp.server.URL(), storage.WithCacheLogger(log))
	if err != nil {
		return rp, err
	}
	if err := rp.cache.StartAt(a.cfg.HostAddress, 0); err != nil {
		return rp, err
	}
	st, err := rp.server.Store(30 * time.Second)
	if err != nil {
		return rp, err
	}
	var model *storage.Model
	if r.Role == framework.RolePrimary {
		model = storage.DefaultModel(storage.SeedVersion, time.Now())
	}
	if err := storage.Seed(ctx, st, a.cfg.Buckets, model); err != nil {
		return rp, err
	}
	rp.gw, err = gateway.New(r.Name, append(a.mesh.GatewayOptions(), gateway.WithLogger(log))...)
	if err != nil {
		return rp, err
	}
	if err := rp.gw.Listen("127.0.0.1:0"); err != nil {
		return rp, err
	}
	if err := os.MkdirAll(filepath.Join(a.cfg.Dir, "logs", r.Name), 0o755); err != nil {
		return rp, err
	}
	svc := a.service()
	var sink EndpointSink = rp.gw
	if a.cfg.Monitoring {
		if err := a.startMonitoring(ctx, rp); err != nil {
			return rp, err
		}
		sink = monitoredSink{EndpointSink: rp.gw, rp: rp, a: a}
	}
	rp.eps = &endpointSync{client: c, namespace: svc.Namespace, service: svc.Name, sink: sink, log: log, resolve: podAddress(svc)}
	if host, ok := a.cfg.Provider.(provider.PodHost); ok {
		rp.pods, err = host.HostPods(provider.PodHostConfig{
			Region: r.Name, Index: index, Client: c, Server: a.serverSpec(rp),
			AddressChanged: rp.eps.resync, Timeouts: a.cfg.Timeouts, Logger: log,
		})
		if err != nil {
			return rp, err
		}
		rp.eps.resolve = hostedAddress(rp.pods)
		a.go_(func() {
			if err := rp.pods.Run(runCtx); err != nil {
				log.Error("pod host stopped", "err", err)
			}
		})
	}
	a.go_(func() { rp.eps.run(runCtx) })
	return rp, nil
}

// service is the Service whose EndpointSlices feed each regional gateway:
// the one clients use to reach the workload under test, in the workload's
// namespace when its manifest names none.
func (a *Agent) service() types.NamespacedName {
	ns := corev1.NamespaceDefault
	if d := a.cfg.Platform.Deployment; d != nil && d.Namespace != "" {
		ns = d.Namespace
	}
	s := a.cfg.Platform.Service
	if s == nil {
		return types.NamespacedName{Namespace: ns}
	}
	if s.Namespace != "" {
		ns = s.Namespace
	}
	return types.NamespacedName{Namespace: ns, Name: s.Name}
}

// serverSpec returns how to start a region's inference servers: each loads
// its model through the regional cache.
func (a *Agent) serverSpec(rp *regionPlane) func(pod *corev1.Pod, node *corev1.Node) provider.ServerSpec {
	return func(pod *corev1.Pod, node *corev1.Node) provider.ServerSpec {
		return provider.ServerSpec{
			Binary: filepath.Join(a.cfg.BinDir, "inference-sim"),
			Args: []string{
				"--region", rp.name, "--zone", node.Labels[topology.LabelZone], "--node", node.Name, "--pod", pod.Name,
				"--s3-endpoint", rp.cache.URL(), "--s3-region", rp.name, "--model-bucket", a.cfg.Buckets.Model,
				"--load-timeout", "0", "--log-format", "json",
			},
			Env: []string{"S3_ACCESS_KEY=" + a.cfg.AccessKey, "S3_SECRET_KEY=" + a.cfg.SecretKey},
			Log: filepath.Join(a.cfg.Dir, "logs", rp.name, pod.Name+".log"),
		}
	}
}

// startStorageReplication replicates the primary's model registry to every
// other region, at once and then continuously.
func (a *Agent) startStorageReplication(ctx, runCtx context.Context) error {
	primary := a.primary()
	if primary == nil {
		return fmt.Errorf("data plane: no primary region: %w", framework.ErrInvalid)
	}
	for _, rp := range a.regions {
		if rp == primary {
			continue
		}
		r, err := storage.NewReplicator(primary.server.Endpoint(), rp.server.Endpoint(), a.cfg.Buckets.Model,
			storage.WithReplicationInterval(max(a.cfg.Timeouts.Scale(10*time.Second), 500*time.Millisecond)),
			storage.WithReplicatorLogger(a.log.With("replication", primary.name+"->"+rp.name)))
		if err != nil {
			return err
		}
		if _, err := r.SyncOnce(ctx); err != nil {
			return fmt.Errorf("initial replication %s -> %s: %w", primary.name, rp.name, err)
		}
		a.repl[rp.name] = r
		a.go_(func() { r.Run(runCtx) })
	}
	return nil
}

func (a *Agent) startLB(runCtx context.Context) error {
	var regions []globallb.Region
	for _, rp := range a.regions {
		regions = append(regions, globallb.Region{Name: rp.name, GatewayURL: rp.gw.URL()})
	}
	lb, err := globallb.New(regions,
		globallb.WithPrimary(a.primary().name),
		globallb.WithFailover(a.mesh.Failover),
		globallb.WithHealthCheck(a.cfg.Timeouts.HealthCheckInterval, a.cfg.Timeouts.HealthCheckThreshold),
		globallb.WithLogger(a.log.With("component", "global-lb")))
	if err != nil {
		return err
	}
	a.lb = lb
	if err := lb.Listen("127.0.0.1:0"); err != nil {
		return err
	}
	return lb.Start(runCtx)
}

func (a *Agent) primary() *regionPlane {
	for _, rp := range a.regions {
		if rp.role == framework.RolePrimary {
			return rp
		}
	}
	return nil
}

func (a *Agent) region(name string) (*regionPlane, error) {
	for _, rp := range a.regions {
		if rp.name == name {
			return rp, nil
		}
	}
	return nil, fmt.Errorf("region %q is not in the data plane: %w", name, framework.ErrNotFound)
}

// URL is the global inference endpoint.
func (a *Agent) URL() string { return a.lb.URL() }

// Buckets are the platform's model and backup buckets the data plane serves.
func (a *Agent) Buckets() storage.Buckets { return a.cfg.Buckets }

// Close stops the data plane: every inference server, gateway, cache and
// storage server.
func (a *Agent) Close(ctx context.Context) error {
	a.cancel()
	a.wg.Wait()
	var errs []error
	if a.lb != nil {
		errs = append(errs, a.lb.Close())
	}
	for _, rp := range a.regions {
		if rp.gw != nil {
			errs = append(errs, rp.gw.Close())
		}
		if rp.cache != nil {
			errs = append(errs, rp.cache.Close(ctx))
		}
		if rp.server != nil {
			errs = append(errs, rp.server.Stop(ctx))
		}
		if rp.monitoring != nil {
			errs = append(errs, rp.monitoring.Stop())
		}
	}
	return errors.Join(errs...)
}
