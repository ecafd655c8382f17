package topology

import (
	"errors"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
)

const existing = `apiVersion: gameday.io/v1alpha1
kind: Topology
metadata:
  name: staging
existing:
  url: http://127.0.0.1:8080
  allowContexts: [east]
regions:
- name: r1
  role: primary
  cluster:
    kubeconfig: /tmp/kc
    context: east
  storageEndpoint: http://127.0.0.1:9000
  zones:
  - name: r1-a
  - name: r1-b
- name: r2
  role: dr
  cluster:
    context: west
  zones:
  - name: r2-a
`

func TestParseExisting(t *testing.T) {
	topo, err := Parse("t.yaml", []byte(existing))
	if err != nil {
		t.Fatal(err)
	}
	if !topo.IsExisting() || topo.Existing.URL != "http://127.0.0.1:8080" || topo.Existing.AllowContexts[0] != "east" {
		t.Errorf("existing = %+v", topo.Existing)
	}
	if c := topo.Regions[0].Cluster; c == nil || *c != (ClusterRef{Kubeconfig: "/tmp/kc", Context: "east"}) {
		t.Errorf("regions[0].cluster = %+v", c)
	}
	if n := topo.Nodes("r1"); len(n) != 0 {
		t.Errorf("an existing cluster's nodes are found in the cluster, not made up: %v", n)
	}
	if plain, err := Parse("t.yaml", []byte(valid)); err != nil || plain.IsExisting() {
		t.Errorf("a sim topology is not existing: %v", err)
	}
}

func TestParseExistingErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"no url", strings.Replace(existing, "  url: http://127.0.0.1:8080\n", "", 1), "existing.url: is required"},
		{"bad url", strings.Replace(existing, "http://127.0.0.1:8080", "ftp://x", 1), `existing.url: "ftp://x" is not an http(s) URL`},
		{"no context", strings.Replace(existing, "    context: west\n", "    kubeconfig: /x\n", 1), "regions[1].cluster.context: is required"},
		{"region without cluster", strings.Replace(existing, "  cluster:\n    context: west\n", "", 1), "every region of an existing topology names its cluster"},
		{"cluster without existing", strings.Replace(existing, "existing:\n  url: http://127.0.0.1:8080\n  allowContexts: [east]\n", "", 1), "existing: is required when regions name their cluster"},
		{"node count", strings.Replace(existing, "  - name: r2-a\n", "  - name: r2-a\n    nodes: 3\n", 1), "regions[1].zones[0].nodes: must be omitted for an existing cluster"},
		{"bad storage endpoint", strings.Replace(existing, "http://127.0.0.1:9000", "s3", 1), `regions[0].storageEndpoint: "s3" is not an http(s) URL`},
		{"empty allowed context", strings.Replace(existing, "[east]", `[""]`, 1), "existing.allowContexts[0]: is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(c.in))
			if err == nil || !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want ErrInvalid containing %q", err, c.want)
			}
		})
	}
}
