package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/environment"
)

// newAgentCmd is the data-plane daemon `gameday up` starts; not for people.
func newAgentCmd() *cobra.Command {
	var ef envFlags
	cmd := &cobra.Command{
		Use:    "agent",
		Short:  "Run an environment's data plane (started by gameday up)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log := framework.Logger(ctx)
			s := store()
			rec, err := s.Load(ef.name)
			if err != nil {
				return err
			}
			creds, err := s.LoadCredentials(ef.name)
			if err != nil {
				return err
			}
			plat, _, err := environment.LoadPlatform(rec.Platform, rec.Workload)
			if err != nil {
				return err
			}
			t, err := rec.Timeouts()
			if err != nil {
				return err
			}
			prov, err := environment.ProviderOf(rec, log)
			if err != nil {
				return err
			}
			a, err := dataplane.StartAgent(ctx, dataplane.AgentConfig{
				Env: &rec.Environment, Platform: plat, Timeouts: t, BinDir: rec.BinDir, Dir: rec.StateDir, Provider: prov,
				AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, Monitoring: rec.Monitoring, Logger: log,
			})
			if err != nil {
				return err
			}
			defer func() {
				cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := a.Close(cctx); err != nil {
					log.Error("stop data plane", "err", err)
				}
				log.Info("data plane stopped")
			}()
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return fmt.Errorf("agent control API: %w", err)
			}
			serveErr := make(chan error, 1)
			go func() { serveErr <- a.Serve(ctx, l) }()
			st := a.Status()
			info := environment.AgentInfo{PID: os.Getpid(), ControlURL: "http://" + l.Addr().String(), URL: st.URL, Regions: map[string]environment.RegionURLs{},
				ModelBucket: a.Buckets().Model}
			for _, r := range st.Regions {
				info.Regions[r.Name] = environment.RegionURLs{Gateway: r.GatewayURL, Storage: r.StorageURL, StorageBackend: r.StorageBackendURL}
			}
			if err := s.SaveAgentInfo(ef.name, info); err != nil {
				return err
			}
			log.Info("data plane serving", "url", info.URL, "control", info.ControlURL)
			select {
			case <-ctx.Done():
				return nil
			case err := <-serveErr:
				return err
			}
		},
	}
	ef.add(cmd)
	return cmd
}
