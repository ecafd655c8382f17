package preflight_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/preflight"
)

func TestReportPrint(t *testing.T) {
	rep := preflight.Report{Checks: []preflight.Check{
		{Region: "us-east1", Name: "reachable", OK: true, Detail: "Kubernetes v1.37.2"},
		{Region: "us-east1", Name: "namespace-label", Detail: "namespace ml-serving has no gameday.io/chaos label"},
		{Region: "europe-west4", Name: "rbac", OK: true, Detail: "3 permissions allowed"},
	}}
	want := "" +
		"  ok   us-east1      reachable        Kubernetes v1.37.2\n" +
		"  FAIL us-east1      namespace-label  namespace ml-serving has no gameday.io/chaos label\n" +
		"  ok   europe-west4  rbac             3 permissions allowed\n"
	var b bytes.Buffer
	rep.Print(&b)
	if b.String() != want {
		t.Errorf("Print:\n%s\nwant:\n%s", b.String(), want)
	}
}

// Regions finish in any order; the report lists them in input order, each
// region's checks in the fixed order.
func TestRunRegionsInInputOrder(t *testing.T) {
	names := []string{"us-west1", "europe-west4", "us-east1", "asia-south1"}
	var regions []preflight.Region
	for _, n := range names {
		w := healthy()
		if n == "us-east1" {
			w.deny["patch nodes"] = true
		}
		regions = append(regions, region(t, n, w))
	}
	regions[3].Client, regions[3].Config = closedServer(t)
	rep := preflight.Run(context.Background(), regions)
	var got []string
	for _, c := range rep.Checks {
		if len(got) == 0 || got[len(got)-1] != c.Region {
			got = append(got, c.Region)
		}
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Fatalf("regions in report order %v, want %v", got, names)
	}
	var b bytes.Buffer
	rep.Print(&b)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3*len(allChecks)+1 {
		t.Fatalf("Print wrote %d lines, want %d:\n%s", len(lines), 3*len(allChecks)+1, b.String())
	}
	for _, want := range []string{
		"  ok   us-west1      reachable        Kubernetes v1.37.2",
		"  FAIL us-east1      rbac             cannot patch nodes cluster-wide (needed by node-loss: cordon nodes): no RBAC policy matched: grant it to this identity; verify with kubectl auth can-i patch nodes --all-namespaces",
		"  ok   us-east1      chaos-daemon     chaos-daemon Running and Ready on the 2 node(s) of deployment ml-serving/inference-service: node-a, node-b",
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("Print lacks line %q:\n%s", want, b.String())
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], "  FAIL asia-south1   reachable        unreachable: ") {
		t.Errorf("last line %q, want asia-south1 unreachable", lines[len(lines)-1])
	}
}

func TestReportError(t *testing.T) {
	ok := preflight.Report{Checks: []preflight.Check{{Region: "r", Name: "reachable", OK: true, Detail: "Kubernetes v1.37.2"}}}
	if err := ok.Error(); err != nil || !ok.OK() || len(ok.Failed()) != 0 {
		t.Errorf("all ok: Error %v, OK %v, Failed %v", err, ok.OK(), ok.Failed())
	}
	tests := []struct {
		name   string
		checks []preflight.Check
		want   string
	}{
		{"one", []preflight.Check{{Region: "r", Name: "rbac", Detail: "cannot patch nodes"}},
			"preflight: 1 check(s) failed: r rbac: cannot patch nodes: refused by safety guard"},
		{"two", []preflight.Check{
			{Region: "r", Name: "reachable", OK: true, Detail: "x"},
			{Region: "r", Name: "pdb", Detail: "PodDisruptionBudget ns/a not found"},
			{Region: "s", Name: "reachable", Detail: "unreachable: refused"},
		}, "preflight: 2 check(s) failed: r pdb: PodDisruptionBudget ns/a not found…: refused by safety guard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := preflight.Report{Checks: tt.checks}
			err := rep.Error()
			if !errors.Is(err, framework.ErrRefused) || err.Error() != tt.want {
				t.Errorf("Error = %v, want %q wrapping ErrRefused", err, tt.want)
			}
			if rep.OK() {
				t.Error("OK() = true")
			}
		})
	}
}

func TestRunInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  preflight.Option
	}{
		{"negative skew", preflight.WithMaxClockSkew(-time.Second)},
		{"nil clock", preflight.WithNow(nil)},
		{"no namespaces", preflight.WithChaosControllerNamespaces()},
		{"empty namespace", preflight.WithChaosControllerNamespaces("chaos-mesh", "")},
		{"zero timeout", preflight.WithTimeout(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := preflight.Run(context.Background(), []preflight.Region{region(t, "us-east1", healthy())}, tt.opt)
			if rep.OK() || len(rep.Checks) != 1 || rep.Checks[0].Name != "options" {
				t.Fatalf("report %+v, want one failed options check", rep.Checks)
			}
			if err := rep.Error(); !errors.Is(err, framework.ErrInvalid) {
				t.Errorf("Error = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestRunChaosControllerNamespaces(t *testing.T) {
	// The daemons and the controller run in chaos-mesh; looking elsewhere finds neither.
	rep := preflight.Run(context.Background(), []preflight.Region{region(t, "us-east1", healthy())},
		preflight.WithChaosControllerNamespaces("chaos-testing"))
	expect(t, rep, nil, map[string][]string{
		"chaos-mesh":   {"no running Chaos Mesh controller", "[chaos-testing]"},
		"chaos-daemon": {"none on nodes node-a, node-b", "in chaos-testing"},
	})
}

// A cancellation between checks stops the region with one line naming the
// checks not run.
func TestRunStoppedBetweenChecks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := healthy()
	w.onTyped = func(a k8stesting.Action) {
		if a.GetVerb() == "get" && a.GetResource().Resource == "poddisruptionbudgets" {
			cancel()
		}
	}
	rep := preflight.Run(ctx, []preflight.Region{region(t, "us-east1", w)})
	expect(t, rep, []string{"reachable", "namespace-label", "workload", "pdb", "stopped"},
		map[string][]string{"stopped": {"checks service, rbac, chaos-mesh, chaos-daemon, clock-skew not run: context canceled"}})
}

// The region's timeout bounds a call to an API server that never answers.
func TestRunTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	r := region(t, "us-east1", healthy())
	r.Config = &rest.Config{Host: srv.URL}
	cs, err := kubernetes.NewForConfig(r.Config)
	if err != nil {
		t.Fatal(err)
	}
	r.Client = cs
	rep := preflight.Run(context.Background(), []preflight.Region{r}, preflight.WithTimeout(100*time.Millisecond))
	expect(t, rep, []string{"reachable"}, map[string][]string{"reachable": {"unreachable: API server at " + srv.URL, "context deadline exceeded"}})
}
