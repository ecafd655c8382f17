// Package envtest brings up a real sim environment for integration tests and
// tears it down after them, with helpers to wait on what tests observe.
package envtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
)

// RepoRoot is the repository's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Env is an environment a test package shares.
type Env struct {
	Store  environment.Store
	Record *environment.Record
	BinDir string
}

// Up creates an environment named prefix+pid in a fresh state root. It needs
// `make tools build` (bin/ with the control plane, gameday and inference-sim).
// Each of opts may change the options before the environment is created.
func Up(ctx context.Context, prefix string, profile framework.Profile, platform string, opts ...func(*environment.Options)) (*Env, error) {
	root, err := os.MkdirTemp("", "gameday-envtest-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(RepoRoot(), "bin")
	store := environment.Store{Root: root}
	o := environment.Options{
		Name: prefix + strconv.Itoa(os.Getpid()%100000), Profile: profile, BinDir: bin, Platform: platform,
		TopologyFile: filepath.Join(RepoRoot(), "fixtures", "topologies", "two-region.yaml"),
		Logger:       framework.DiscardLogger(),
	}
	for _, f := range opts {
		f(&o)
	}
	rec, err := environment.Up(ctx, store, o)
	if err != nil {
		_ = os.RemoveAll(root)
		return nil, fmt.Errorf("bring the test environment up (needs `make tools build`): %w", err)
	}
	return &Env{Store: store, Record: rec, BinDir: bin}, nil
}

// Down tears the environment down and removes its state root.
func (e *Env) Down() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := environment.Down(ctx, e.Store, e.Record.Name, nil); err != nil {
		return err
	}
	return os.RemoveAll(e.Store.Root)
}

// Gameday returns a command running bin/gameday against this environment's state root.
func (e *Env) Gameday(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(e.BinDir, "gameday"), args...)
	cmd.Env = append(os.Environ(), environment.StateRootEnv+"="+e.Store.Root)
	return cmd
}
