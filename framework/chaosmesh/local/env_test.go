package local_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// repoRoot finds the checkout's root (the directory holding go.mod and bin/).
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; dir != "/"; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
	}
	t.Fatal("no go.mod above the test directory")
	return ""
}

// needBins skips the test unless every named entry of bin/ exists.
func needBins(t *testing.T, bin string, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(bin, n)); err != nil {
			t.Skipf("bin/%s missing (run `make tools build` and hack/chaos-mesh/build.sh): %v", n, err)
		}
	}
}

// simCluster brings up a one-region sim environment (clusters only) with
// bin/gameday, registers its teardown, and returns the region's kubeconfig.
func simCluster(t *testing.T, ctx context.Context, bin string) string {
	t.Helper()
	state := t.TempDir()
	name := fmt.Sprintf("cmit-%d", os.Getpid())
	topo := filepath.Join(state, "one-region.yaml")
	err := os.WriteFile(topo, []byte(`apiVersion: gameday.io/v1alpha1
kind: Topology
metadata: {name: chaos-mesh-it}
node: {gpus: 1, gpuProduct: NVIDIA-H100-80GB-HBM3, cpu: "8", memory: 64Gi, pods: 20}
regions:
- name: us-east1
  role: primary
  zones:
  - {name: us-east1-a, nodes: 2}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	gameday := func(ctx context.Context, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "gameday"), args...)
		cmd.Env = append(os.Environ(), "GAMEDAY_STATE_DIR="+state)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("gameday %s: %w\n%s", strings.Join(args, " "), err, errb.String())
		}
		return strings.TrimSpace(out.String()), nil
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if _, err := gameday(ctx, "down", "--name", name); err != nil {
			t.Errorf("teardown: %v", err)
		}
	})
	t0 := time.Now()
	if _, err := gameday(ctx, "up", "--name", name, "--profile", "fast", "--bare", "--topology", topo); err != nil {
		t.Fatal(err)
	}
	t.Logf("sim environment %s up in %s", name, time.Since(t0).Round(time.Millisecond))
	kc, err := gameday(ctx, "kubeconfig", "--name", name, "--region", "us-east1")
	if err != nil {
		t.Fatal(err)
	}
	return kc
}
