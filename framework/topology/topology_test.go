package topology

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
)

func fixture(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "fixtures", "topologies", "two-region.yaml")
}

func TestLoadDefaultTopology(t *testing.T) {
	topo, err := Load(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := topo.RegionNames(); strings.Join(got, ",") != "us-east1,europe-west1" {
		t.Fatalf("regions = %v", got)
	}
	for _, r := range topo.Regions {
		nodes := topo.Nodes(r.Name)
		if len(nodes) != 6 {
			t.Errorf("%s: %d nodes, want 6", r.Name, len(nodes))
		}
		zones := map[string]int{}
		for _, n := range nodes {
			zones[n.Zone]++
			if n.GPUs != 8 || n.GPUProduct == "" || n.Pods != 110 || n.CPU != "96" || n.Memory != "1Ti" {
				t.Errorf("node %+v: unexpected spec", n)
			}
			if l := n.Labels(); l[LabelRegion] != r.Name || l[LabelZone] != n.Zone || l[LabelHostname] != n.Name {
				t.Errorf("labels %v", l)
			}
		}
		if len(zones) != 2 || zones[r.Name+"-a"] != 3 || zones[r.Name+"-b"] != 3 {
			t.Errorf("%s zones = %v", r.Name, zones)
		}
	}
	if r, z, err := topo.Zone("europe-west1-b"); err != nil || r.Name != "europe-west1" || z.Nodes != 3 {
		t.Errorf("Zone lookup: %v %v %v", r, z, err)
	}
	if _, err := topo.Region("us-west1"); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing region: %v", err)
	}
}

const valid = `apiVersion: gameday.io/v1alpha1
kind: Topology
metadata:
  name: t
node:
  gpus: 8
  gpuProduct: A100
regions:
- name: r1
  role: primary
  zones:
  - name: r1-a
    nodes: 2
    node:
      gpus: 4
`

func TestParseOverrides(t *testing.T) {
	topo, err := Parse("t.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	n := topo.Nodes("r1")
	if len(n) != 2 || n[0].GPUs != 4 || n[0].GPUProduct != "A100" || n[0].CPU != DefaultCPU || n[0].Name != "r1-a-gpu-0" {
		t.Fatalf("nodes = %+v", n)
	}
}

func TestParseStorage(t *testing.T) {
	topo, err := Parse("t.yaml", []byte(valid+"storage:\n  modelBucket: recsys-models\n  backupBucket: recsys-models-dr\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Storage{ModelBucket: "recsys-models", BackupBucket: "recsys-models-dr"}); topo.Storage != want {
		t.Errorf("storage = %+v, want %+v", topo.Storage, want)
	}
	if topo, err = Parse("t.yaml", []byte(valid)); err != nil || topo.Storage != (Storage{}) {
		t.Errorf("no storage section: %+v, %v", topo, err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string // substrings of the error, each "file:line: field: ..."
	}{
		{"empty", "", []string{"t.yaml: empty document"}},
		{"not a mapping", "- a\n- b\n", []string{"t.yaml:1: want a mapping"}},
		{"syntax", "apiVersion: [\n", []string{"t.yaml:"}},
		{"wrong version", strings.Replace(valid, "v1alpha1", "v9", 1), []string{"t.yaml:1: apiVersion: must be gameday.io/v1alpha1"}},
		{"wrong kind", strings.Replace(valid, "kind: Topology", "kind: Cluster", 1), []string{"t.yaml:2: kind: must be Topology"}},
		{"unknown field", strings.Replace(valid, "    nodes: 2", "    nodes: 2\n    gpu: 3", 1), []string{"t.yaml:14: field gpu not found"}},
		{"bad type", strings.Replace(valid, "nodes: 2", "nodes: two", 1), []string{"t.yaml:13: cannot unmarshal"}},
		{"zero nodes", strings.Replace(valid, "nodes: 2", "nodes: 0", 1), []string{"t.yaml:13: regions[0].zones[0].nodes: must be between 1 and 5000, got 0"}},
		{"bad role", strings.Replace(valid, "role: primary", "role: backup", 1), []string{`t.yaml:10: regions[0].role: must be primary or dr, got "backup"`}},
		{"missing role", strings.Replace(valid, "  role: primary\n", "", 1), []string{"regions[0].role: must be primary or dr", "exactly one region must have role primary"}},
		{"bad zone name", strings.Replace(valid, "name: r1-a", "name: R1_A", 1), []string{"t.yaml:12: regions[0].zones[0].name:"}},
		{"negative gpus", strings.Replace(valid, "gpus: 4", "gpus: -1", 1), []string{"t.yaml:15: regions[0].zones[0].node.gpus: must not be negative"}},
		{"bad memory", strings.Replace(valid, "gpuProduct: A100", "gpuProduct: A100\n  memory: lots", 1), []string{`t.yaml:8: node.memory: "lots" is not a quantity`}},
		{"gpu product missing", strings.Replace(valid, "  gpuProduct: A100\n", "", 1), []string{"regions[0].zones[0].node.gpuProduct: is required when gpus > 0"}},
		{"no regions", strings.Split(valid, "regions:")[0], []string{"regions: at least one region is required"}},
		{"duplicate zone", strings.Replace(valid, "      gpus: 4\n", "      gpus: 4\n  - name: r1-a\n    nodes: 1\n", 1), []string{`t.yaml:16: regions[0].zones[1].name: zone "r1-a" is listed twice`}},
		{"two documents", valid + "---\nkind: x\n", []string{"exactly one document"}},
		{"one bucket", valid + "storage:\n  modelBucket: models\n", []string{"storage.backupBucket: is required when the other bucket is set"}},
		{"same buckets", valid + "storage:\n  modelBucket: models\n  backupBucket: models\n", []string{`t.yaml:18: storage.backupBucket: must differ from storage.modelBucket "models"`}},
		{"bad bucket", valid + "storage:\n  modelBucket: My_Models\n  backupBucket: models-dr\n", []string{`t.yaml:17: storage.modelBucket: "My_Models" is not a valid bucket name`}},
		{"short bucket", valid + "storage:\n  modelBucket: m\n  backupBucket: models-dr\n", []string{`storage.modelBucket: "m" must be 3 to 63 characters long`}},
		{"unknown storage field", valid + "storage:\n  bucket: models\n", []string{"field bucket not found"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(c.in))
			if err == nil {
				t.Fatalf("no error for %q", c.in)
			}
			if !errors.Is(err, framework.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("regions: [{name: a, zones: [{name: b, nodes: 1}]}]"))
	f.Add([]byte("{{{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		topo, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		for _, r := range topo.Regions {
			for _, n := range topo.Nodes(r.Name) {
				if n.Region != r.Name || n.Pods < 1 || n.GPUs < 0 {
					t.Fatalf("valid topology produced bad node %+v", n)
				}
			}
		}
	})
}
