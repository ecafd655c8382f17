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
)

// deployPlatform applies the adapted manifests to every region, starts the
// data-plane agent and waits until every region's inference Deployment is
// Ready through real probes.
func deployPlatform(ctx context.Context, s Store, rec *Record, p *fixtures.Platform, t framework.Timeouts, log *slog.Logger) error {
	m, adapts, err := platform.ForSim(p)
	if err != nil {
		return err
	}
	rec.Adaptations = adapts
	g, gctx := errgroup.WithContext(ctx)
	for _, r := range rec.Regions {
		g.Go(func() error {
			c, err := cluster.Client(r.Kubeconfig)
			if err != nil {
				return err
			}
			if err := platform.Apply(gctx, c, m); err != nil {
				return fmt.Errorf("region %s: %w", r.Name, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	log.Info("platform applied; starting the data plane", "regions", len(rec.Regions))
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
	start := time.Now()
	want := int32(1)
	if m.Deployment.Spec.Replicas != nil {
		want = *m.Deployment.Spec.Replicas
	}
	g, gctx = errgroup.WithContext(ctx)
	for _, r := range rec.Regions {
		g.Go(func() error {
			c, err := cluster.Client(r.Kubeconfig)
			if err != nil {
				return err
			}
			if err := platform.WaitReady(gctx, c, m.Deployment.Namespace, m.Deployment.Name, want, t.PodsReady, t.Poll); err != nil {
				return fmt.Errorf("region %s: %w (see `gameday status` and %s)", r.Name, err, s.AgentLog(rec.Name))
			}
			log.Info("inference pods ready", "region", r.Name, "replicas", want, "took", time.Since(start).Round(time.Millisecond))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Ready pods are not yet traffic: the global load balancer must have seen
	// enough good health checks and every gateway its endpoints.
	return dataplane.NewClient(info.ControlURL).WaitSettled(ctx, t.PodsReady, t.Poll)
}
