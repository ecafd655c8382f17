package dataplane

import (
	"gameday.io/gameday/framework/backup"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/topology"
)

// platformBuckets reads the platform's model and backup buckets from its
// manifests, else from the environment's topology file.
func platformBuckets(cfg AgentConfig) (storage.Buckets, error) {
	var topo *topology.Topology
	if cfg.Env != nil && cfg.Env.Topology != "" {
		t, err := topology.Load(cfg.Env.Topology)
		if err != nil {
			return storage.Buckets{}, err
		}
		topo = t
	}
	b, from, err := backup.PlatformBuckets(cfg.Platform, topo)
	if err == nil {
		cfg.Logger.Info("model storage", "modelBucket", b.Model, "backupBucket", b.Backup, "from", from)
	}
	return b, err
}
