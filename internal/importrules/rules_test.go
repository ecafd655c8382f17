package importrules

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

var (
	loadOnce sync.Once
	loaded   Graph
	loadErr  error
)

// load returns a copy of the module's import graph, read once with
// `go list`, tests included.
func load(t *testing.T) Graph {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = readGraph() })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	g := Graph{}
	for k, v := range loaded {
		g[k] = append([]string(nil), v...)
	}
	return g
}

func readGraph() (Graph, error) {
	cmd := exec.Command("go", "list", "-json", Module+"/...")
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	g := Graph{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		from := rel(p.ImportPath)
		seen := map[string]bool{}
		for _, imp := range append(append(p.Imports, p.TestImports...), p.XTestImports...) {
			if to := rel(imp); to != "" && !seen[to] {
				seen[to] = true
				g[from] = append(g[from], to)
			}
		}
		if _, ok := g[from]; !ok {
			g[from] = nil
		}
	}
	return g, nil
}

// rel is a path relative to the module, "" outside it.
func rel(p string) string {
	if p == Module {
		return "."
	}
	r, ok := strings.CutPrefix(p, Module+"/")
	if !ok {
		return ""
	}
	return r
}

func TestRepositoryFollowsTheImportRules(t *testing.T) {
	g := load(t)
	if len(g) < 30 {
		t.Fatalf("read %d packages: the graph is not the repository's", len(g))
	}
	for _, v := range Check(g) {
		t.Error(v)
	}
}

// TestForbiddenImportsAreCaught adds each kind of forbidden import to the
// real graph: every one must be reported, and nothing else.
func TestForbiddenImportsAreCaught(t *testing.T) {
	for _, c := range []struct{ from, to string }{
		{"framework", "framework/fault"},
		{"framework/fault", "framework/provider/sim"},
		{"framework/dataplane", "framework/provider/sim/kubelet"},
		{"cmd/gameday", "framework/provider/sim/simapi"},
		{"framework/measure", "scenarios"},
		{"framework/environment", "internal/app"},
		{"fixtures", "reports"},
		{"scenarios", "suites/internal/harness"},
		{"reports", "cmd/gameday"},
		{"framework/provider/kind", "framework/provider/sim"},
	} {
		t.Run(c.from+" -> "+c.to, func(t *testing.T) {
			g := load(t)
			g[c.from] = append(g[c.from], c.to)
			got := Check(g)
			if len(got) != 1 || got[0].From != c.from || got[0].To != c.to {
				t.Fatalf("violations %v, want exactly %s -> %s", got, c.from, c.to)
			}
		})
	}
	// Allowed: the registry imports providers; a provider's tree imports itself.
	g := Graph{"framework/provider/providers": {"framework/provider/sim"}, "framework/provider/sim": {"framework/provider/sim/kubelet", "framework/provider"}}
	if v := Check(g); len(v) != 0 {
		t.Fatalf("allowed imports reported: %v", v)
	}
}
