package kind

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/envtest/cli"
	"gameday.io/gameday/framework/topology"
)

// BenchmarkKindUpDown measures `gameday up --provider kind` and `down` of
// the default topology (two regions, 12 GPU workers and 2 control planes)
// with the reference platform, and the memory of each node container at
// rest. Run it with -benchtime=1x (make bench).
func BenchmarkKindUpDown(b *testing.B) {
	if testing.Short() || os.Getenv(KindTestsEnv) == "0" {
		b.Skip("creates kind clusters")
	}
	c := cli.CLI{Bin: filepath.Join(repoRoot(), "bin"), State: b.TempDir()}
	topo, err := topology.Load(filepath.Join(repoRoot(), "fixtures", "topologies", "two-region.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	workers := 0
	for _, r := range topo.Regions {
		workers += len(topo.Nodes(r.Name))
	}
	nodes := workers + len(topo.Regions) // a control plane per region
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		name := fmt.Sprintf("kb%d", i)
		start := time.Now()
		if out, errs, code := c.Run(ctx, "up", "--name", name, "--provider", "kind", "--profile", "fast"); code != 0 {
			c.Run(ctx, "down", "--name", name)
			b.Fatalf("up: exit %d\n%s\n%s", code, out, errs)
		}
		up := time.Since(start)
		mem, n := nodeMemory(b, NamePrefix+"gd-"+name+"-")
		start = time.Now()
		if out, errs, code := c.Run(ctx, "down", "--name", name); code != 0 {
			b.Fatalf("down: exit %d\n%s\n%s", code, out, errs)
		}
		b.ReportMetric(up.Seconds(), "up-s")
		b.ReportMetric(up.Seconds()/float64(nodes), "up-s/node")
		b.ReportMetric(time.Since(start).Seconds(), "down-s")
		if n > 0 {
			b.ReportMetric(mem/float64(n), "MiB/node")
		}
	}
}

// nodeMemory sums the memory of the node containers whose names start with
// prefix, in MiB, and counts them.
func nodeMemory(b *testing.B, prefix string) (float64, int) {
	out, err := exec.Command("docker", "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}").Output()
	if err != nil {
		b.Fatalf("docker stats: %v", err)
	}
	total, n := 0.0, 0
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[0], prefix) {
			continue
		}
		v, unit := f[1], 1.0
		for suffix, scale := range map[string]float64{"GiB": 1024, "MiB": 1, "KiB": 1.0 / 1024} {
			if strings.HasSuffix(v, suffix) {
				v, unit = strings.TrimSuffix(v, suffix), scale
			}
		}
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			total += x * unit
			n++
		}
	}
	return total, n
}
