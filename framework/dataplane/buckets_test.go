package dataplane

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// The data plane serves the platform's own buckets: its CronJob's, else its
// environment's topology's.
func TestPlatformBuckets(t *testing.T) {
	second, err := fixtures.Second()
	if err != nil {
		t.Fatal(err)
	}
	cfg := AgentConfig{Platform: second, Env: &framework.Environment{}, Logger: framework.DiscardLogger()}
	if b, err := platformBuckets(cfg); err != nil || b != (storage.Buckets{Model: "recsys-models", Backup: "recsys-models-dr"}) {
		t.Errorf("second platform: %+v, %v", b, err)
	}

	topo, err := os.ReadFile(filepath.Join("..", "..", fixtures.DefaultTopologyFile))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "topology.yaml")
	if err := os.WriteFile(file, append(topo, "storage:\n  modelBucket: team-models\n  backupBucket: team-models-backup\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	bare := AgentConfig{Platform: &fixtures.Platform{}, Env: &framework.Environment{Topology: file}, Logger: framework.DiscardLogger()}
	if b, err := platformBuckets(bare); err != nil || b != (storage.Buckets{Model: "team-models", Backup: "team-models-backup"}) {
		t.Errorf("from the topology: %+v, %v", b, err)
	}
	bare.Env.Topology = ""
	if _, err := platformBuckets(bare); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "buckets are not known") {
		t.Errorf("neither: %v", err)
	}
	bare.Env.Topology = filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := platformBuckets(bare); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing topology file: %v", err)
	}
}
