package platform

import (
	"testing"

	"gameday.io/gameday/fixtures"
)

// Every workload under test is deployed with its Services and PDB, the
// platform's chosen one first; the reference's single workload stays alone.
func TestPrepareDeploysEveryWorkload(t *testing.T) {
	second, err := fixtures.Second()
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := Prepare(second)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := second.Workloads()
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) < 2 || len(m.Deployments) != len(ws) {
		t.Fatalf("%d Deployments prepared for %d workloads", len(m.Deployments), len(ws))
	}
	if m.Deployments[0].Name != second.Deployment.Name {
		t.Errorf("first Deployment %s, want the chosen workload %s", m.Deployments[0].Name, second.Deployment.Name)
	}
	names := map[string]bool{}
	for _, s := range m.Services {
		names["Service/"+s.Namespace+"/"+s.Name] = true
	}
	for _, p := range m.PDBs {
		names["PDB/"+p.Namespace+"/"+p.Name] = true
	}
	for _, w := range ws {
		for _, s := range w.Services {
			if !names["Service/"+w.Namespace+"/"+s.Name] {
				t.Errorf("Service %s of %s not prepared", s.Name, w.Name())
			}
		}
		if w.PDB != nil && !names["PDB/"+w.Namespace+"/"+w.PDB.Name] {
			t.Errorf("PDB %s of %s not prepared", w.PDB.Name, w.Name())
		}
	}

	ref, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	m, _, err = Prepare(ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Deployments) != 1 || len(m.Namespaces) != 1 || m.Services[0].Namespace != m.Deployments[0].Namespace {
		t.Fatalf("reference prepared as %d Deployments, %d Namespaces, Service in %q", len(m.Deployments), len(m.Namespaces), m.Services[0].Namespace)
	}
}
