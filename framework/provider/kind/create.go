package kind

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gameday.io/gameday/framework"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/kind/pkg/cluster"
)

// DefaultWait bounds each wait of Create when the profile sets none.
const DefaultWait = 3 * time.Minute

// newKind returns kind's library provider (docker), logging to our logger.
func (p *Provider) newKind() *cluster.Provider {
	return cluster.NewProvider(cluster.ProviderWithDocker(), cluster.ProviderWithLogger(kindLogger{p.cfg.Logger}))
}

// Create creates the region's kind cluster and returns once the API server
// answers, every node is Ready with its network, labels and GPUs, and the
// inference image is loaded into every node. A failed Create deletes what it
// made (kind's own create is not cancellable: ctx is checked between steps).
func (p *Provider) Create(ctx context.Context, spec ClusterSpec) (_ *Cluster, err error) {
	if spec.Name == "" || spec.Dir == "" || spec.Region == "" {
		return nil, fmt.Errorf("kind cluster spec %q: Name, Region and Dir are required: %w", spec.Name, framework.ErrInvalid)
	}
	name := kindName(spec.Name)
	log := p.cfg.Logger.With("cluster", name)
	if cs, err := clusterContainers(ctx, name); err != nil {
		return nil, err
	} else if len(cs) > 0 {
		return nil, fmt.Errorf("kind cluster %s already has containers %v: %w", name, cs, framework.ErrExists)
	}
	wait := spec.Timeouts.NodesReady
	if wait <= 0 {
		wait = DefaultWait
	}
	start := time.Now()
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("kind cluster %s: %w", name, err)
	}
	sub, err := p.allocateSubnets(ctx, name)
	if err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(spec.Dir, "kubeconfig")
	rec := record{Name: name, Region: spec.Region, Network: p.Network(), Subnets: sub, Kubeconfig: kubeconfig}
	for i, c := range workerContainers(name, len(spec.Nodes)) {
		rec.Nodes = append(rec.Nodes, nodeRecord{Topology: spec.Nodes[i].Name, Container: c, GPUs: spec.Nodes[i].GPUs})
	}
	if err := p.saveRecord(rec); err != nil {
		return nil, errors.Join(err, p.releaseSubnets(name))
	}
	c := Cluster{Name: spec.Name, Region: spec.Region, Kubeconfig: kubeconfig, Context: "kind-" + name}
	defer func() {
		if err == nil {
			return
		}
		if p.Retain {
			log.Warn("kind: create failed; cluster kept for debugging (Retain)", "err", err)
			return
		}
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if derr := p.Delete(dctx, c); derr != nil {
			err = errors.Join(err, fmt.Errorf("clean up after the failed create: %w", derr))
		}
	}()

	labels, err := docker(ctx, "image", "inspect", "-f",
		`{{index .Config.Labels "io.gameday.etcd-image-tag"}} {{index .Config.Labels "`+labelRestrictOOM+`"}}`, p.NodeImage)
	if err != nil {
		return nil, fmt.Errorf("node image %s: %w", p.NodeImage, err)
	}
	f := strings.Fields(strings.ReplaceAll(labels, "<no value>", "-"))
	img := imageFacts{}
	if len(f) == 2 {
		img = imageFacts{EtcdTag: strings.TrimPrefix(f[0], "-"), RestrictOOMScore: f[1] == "true"}
	}
	cfg, err := p.kindConfig(spec, sub, img)
	if err != nil {
		return nil, err
	}
	log.Info("kind: creating cluster", "nodes", len(cfg.Nodes), "pods", sub.Pods, "services", sub.Service, "network", p.Network())
	if err := p.kindCreate(name, cfg, kubeconfig); err != nil {
		return nil, fmt.Errorf("kind create cluster %s: %w", name, err)
	}
	log.Info("kind: kubeadm done", "after", time.Since(start).Round(time.Millisecond))
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	cs, err := client(kubeconfig)
	if err != nil {
		return nil, err
	}
	want := len(cfg.Nodes)
	nodes, err := waitNodes(ctx, cs, log, "pod ranges", wait, allHaveCIDR(want))
	if err != nil {
		return nil, err
	}
	nets, _ := nodeNets(nodes)
	if err := setupNetwork(ctx, nets); err != nil {
		return nil, fmt.Errorf("kind cluster %s network: %w", name, err)
	}
	loaded := make(chan error, 1)
	go func() { loaded <- p.loadImage(ctx, name, spec.Dir, p.InferenceImage) }()
	for _, n := range rec.Nodes {
		if n.GPUs > 0 {
			if err := advertiseGPUs(ctx, cs, n.Container, n.GPUs); err != nil {
				return nil, errors.Join(err, <-loaded)
			}
		}
	}
	_, err = waitNodes(ctx, cs, log, "nodes Ready", wait, allReady(want))
	if err = errors.Join(err, <-loaded); err != nil {
		return nil, err
	}
	if err := pinSystemPods(ctx, cs); err != nil {
		return nil, err
	}
	log.Info("kind: cluster ready", "after", time.Since(start).Round(time.Millisecond), "kubeconfig", kubeconfig)
	return &c, nil
}

// kindCreate runs kind's create. Every cluster of the environment joins the
// docker network p.Network(); kind reads its name from the environment, so
// the variable is set here (the same value for every call of a provider).
func (p *Provider) kindCreate(name string, cfg *v1alpha4.Cluster, kubeconfig string) error {
	p.netMu.RLock()
	defer p.netMu.RUnlock()
	if err := os.Setenv("KIND_EXPERIMENTAL_DOCKER_NETWORK", p.Network()); err != nil {
		return err
	}
	return p.newKind().Create(name,
		cluster.CreateWithV1Alpha4Config(cfg),
		cluster.CreateWithKubeconfigPath(kubeconfig),
		cluster.CreateWithDisplayUsage(false),
		cluster.CreateWithDisplaySalutation(false))
}
