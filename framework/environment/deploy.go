package environment

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/platform"
	"gameday.io/gameday/framework/provider"
)

// deployPlatform starts the data-plane agent, applies the adapted manifests
// to every region and waits until every region's inference Deployment is
// Ready through real probes. The agent starts first: a provider whose pods
// are real containers writes where they reach the region's model storage
// into the manifests.
func deployPlatform(ctx context.Context, s Store, rec *Record, prov provider.Provider, p *fixtures.Platform, t framework.Timeouts, log *slog.Logger) error {
	m, adapts, err := platform.Prepare(p)
	if err != nil {
		return err
	}
	log.Info("starting the data plane", "regions", len(rec.Regions))
	info, err := startAgent(ctx, s, rec, filepath.Join(rec.BinDir, "gameday"), t)
	if err != nil {
		return err
	}
	rec.URL, rec.AgentURL = info.URL, info.ControlURL
	for i := range rec.Regions {
		u := info.Regions[rec.Regions[i].Name]
		rec.Regions[i].GatewayURL, rec.Regions[i].StorageURL, rec.Regions[i].StorageBackendURL = u.Gateway, u.Storage, u.StorageBackend
	}
	if err := s.Save(rec); err != nil {
		return err
	}
	creds, err := s.LoadCredentials(rec.Name)
	if err != nil {
		return err
	}
	// Every region gets its own copy, adapted by the provider.
	perRegion := make([]*platform.Manifests, len(rec.Regions))
	for i, r := range rec.Regions {
		perRegion[i] = m.DeepCopy()
		if a, ok := prov.(provider.PlatformAdapter); ok {
			more, err := a.Adapt(perRegion[i], provider.AdaptInput{
				Region: r.Name, Timeouts: t, StorageURL: r.StorageURL, ModelBucket: info.ModelBucket,
				AccessKey: creds.AccessKey, SecretKey: creds.SecretKey,
			})
			if err != nil {
				return fmt.Errorf("adapt the platform for %s in region %s: %w", prov.Name(), r.Name, err)
			}
			if i == 0 {
				adapts = append(adapts, more...)
			}
		}
	}
	rec.Adaptations = adapts
	g, gctx := errgroup.WithContext(ctx)
	for i, r := range rec.Regions {
		g.Go(func() error {
			c, err := cluster.Client(r.Kubeconfig)
			if err != nil {
				return err
			}
			if err := platform.Apply(gctx, c, perRegion[i]); err != nil {
				return fmt.Errorf("region %s: %w", r.Name, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	log.Info("platform applied", "regions", len(rec.Regions))
	start := time.Now()
	g, gctx = errgroup.WithContext(ctx)
	for _, r := range rec.Regions {
		for _, d := range m.Deployments {
			g.Go(func() error {
				c, err := cluster.Client(r.Kubeconfig)
				if err != nil {
					return err
				}
				want := int32(1)
				if d.Spec.Replicas != nil {
					want = *d.Spec.Replicas
				}
				if err := platform.WaitReady(gctx, c, d.Namespace, d.Name, want, t.PodsReady, t.Poll); err != nil {
					return fmt.Errorf("region %s: %w (see `gameday status` and %s)", r.Name, err, s.AgentLog(rec.Name))
				}
				log.Info("pods ready", "region", r.Name, "deployment", d.Name, "replicas", want, "took", time.Since(start).Round(time.Millisecond))
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Ready pods are not yet traffic: the global load balancer must have seen
	// enough good health checks and every gateway its endpoints.
	return dataplane.NewClient(info.ControlURL).WaitSettled(ctx, t.PodsReady, t.Poll)
}
