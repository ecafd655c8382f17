package preflight_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/preflight"
)

// allChecks are the names of a region's checks without a rest.Config.
var allChecks = []string{"reachable", "namespace-label", "workload", "pdb", "service", "rbac", "chaos-mesh", "chaos-daemon"}

func TestRun(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(w *world)
		tweak func(r *preflight.Region)
		names []string            // the checks, in order (default allChecks)
		fail  map[string][]string // failed check → substrings of its details; others must pass
	}{
		{name: "all ok"},
		{name: "unlabelled namespace",
			edit: func(w *world) {
				w.drop("Namespace", ns)
				w.typed = append(w.typed, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
			},
			fail: map[string][]string{"namespace-label": {"namespace ml-serving has no gameday.io/chaos label", "kubectl label namespace ml-serving gameday.io/chaos=enabled"}}},
		{name: "label disabled",
			edit: func(w *world) {
				w.drop("Namespace", ns)
				w.typed = append(w.typed, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"gameday.io/chaos": "disabled"}}})
			},
			fail: map[string][]string{"namespace-label": {`gameday.io/chaos="disabled"`, "kubectl label namespace ml-serving gameday.io/chaos=enabled"}}},
		{name: "missing namespace",
			edit: func(w *world) { w.drop("Namespace", ns) },
			fail: map[string][]string{"namespace-label": {"namespace ml-serving not found"}}},
		{name: "missing deployment",
			edit: func(w *world) { w.drop("Deployment", workload) },
			fail: map[string][]string{
				"workload":     {"deployment ml-serving/inference-service not found"},
				"chaos-daemon": {"cannot find the nodes of deployment ml-serving/inference-service"},
			}},
		{name: "scaled to zero",
			edit: func(w *world) {
				w.drop("Deployment", workload)
				w.typed = append(w.typed, deployment(0, 0))
			},
			fail: map[string][]string{"workload": {"deployment ml-serving/inference-service is scaled to 0 replicas"}}},
		{name: "missing pdb and service",
			edit: func(w *world) { w.drop("PodDisruptionBudget", workload).drop("Service", "model-registry") },
			fail: map[string][]string{
				"pdb":     {"PodDisruptionBudget ml-serving/inference-service not found"},
				"service": {"Service ml-serving/model-registry not found"},
			}},
		{name: "nothing expected",
			tweak: func(r *preflight.Region) { r.PDBs, r.Services, r.Access = nil, nil, nil }},
		{name: "rbac denied",
			edit:  func(w *world) { w.deny["create podchaos"], w.deny["patch nodes"] = true, true },
			names: []string{"reachable", "namespace-label", "workload", "pdb", "service", "rbac", "rbac", "chaos-mesh", "chaos-daemon"},
			fail: map[string][]string{"rbac": {
				"cannot create podchaos.chaos-mesh.org in ml-serving (needed by zone-outage: kill pods): no RBAC policy matched",
				"kubectl auth can-i create podchaos.chaos-mesh.org -n ml-serving",
				"cannot patch nodes cluster-wide (needed by node-loss: cordon nodes)",
			}}},
		{name: "chaos mesh CRD missing",
			edit: func(w *world) { w.drop("CustomResourceDefinition", chaosmesh.NetworkChaos.CRDName()) },
			fail: map[string][]string{"chaos-mesh": {"Chaos Mesh not ready for PodChaos, NetworkChaos", "CRD networkchaos.chaos-mesh.org is missing"}}},
		{name: "chaos mesh controller missing",
			edit: func(w *world) {
				w.drop("Pod", "chaos-controller-manager-0").drop("CustomResourceDefinition", chaosmesh.PodChaos.CRDName())
			},
			fail: map[string][]string{"chaos-mesh": {"CRD podchaos.chaos-mesh.org is missing", "; no running Chaos Mesh controller"}}},
		{name: "chaos mesh not needed",
			edit:  func(w *world) { w.dyn = nil },
			tweak: func(r *preflight.Region) { r.ChaosKinds, r.ChaosDaemon, r.Dynamic = nil, false, nil },
			names: []string{"reachable", "namespace-label", "workload", "pdb", "service", "rbac"}},
		{name: "chaos-daemon missing on a node",
			edit: func(w *world) { w.drop("Pod", "chaos-daemon-b") },
			fail: map[string][]string{"chaos-daemon": {"NetworkChaos needs chaos-daemon on every node it targets; none on nodes node-b (no Running, Ready pod app.kubernetes.io/component=chaos-daemon in chaos-mesh, default)"}}},
		{name: "chaos-daemon missing, no daemon kind named",
			edit:  func(w *world) { w.drop("Pod", "chaos-daemon-a") },
			tweak: func(r *preflight.Region) { r.ChaosKinds = r.ChaosKinds[:1] },
			fail:  map[string][]string{"chaos-daemon": {"the planned faults need chaos-daemon on every node it targets; none on nodes node-a "}}},
		{name: "chaos-daemon not ready",
			edit: func(w *world) {
				w.drop("Pod", "chaos-daemon-a").drop("Pod", "chaos-daemon-b")
				w.typed = append(w.typed, daemon("chaos-daemon-a", "node-a", false))
			},
			fail: map[string][]string{"chaos-daemon": {"on nodes node-a, node-b"}}},
		{name: "unreachable skips the rest",
			tweak: func(r *preflight.Region) { r.Client, r.Config = closedServer(t) },
			names: []string{"reachable"},
			fail:  map[string][]string{"reachable": {"unreachable: API server at http://127.0.0.1:", "connection refused"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := healthy()
			if tt.edit != nil {
				tt.edit(w)
			}
			r := region(t, "us-east1", w)
			if tt.tweak != nil {
				tt.tweak(&r)
			}
			rep := preflight.Run(context.Background(), []preflight.Region{r})
			expect(t, rep, tt.names, tt.fail)
		})
	}
}

// expect checks the names of rep's checks and that exactly the checks in
// fail failed, with the substrings in their details.
func expect(t *testing.T, rep preflight.Report, names []string, fail map[string][]string) {
	t.Helper()
	if names == nil {
		names = allChecks
	}
	var got []string
	details := map[string]string{}
	for _, c := range rep.Checks {
		got = append(got, c.Name)
		if strings.ContainsAny(c.Detail, "\n\r") || c.Detail == "" {
			t.Errorf("check %s detail is not one line: %q", c.Name, c.Detail)
		}
		if _, want := fail[c.Name]; want == c.OK {
			t.Errorf("check %s ok=%v: %s", c.Name, c.OK, c.Detail)
		}
		details[c.Name] += c.Detail + "\n"
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("checks %v, want %v", got, names)
	}
	for name, subs := range fail {
		for _, s := range subs {
			if !strings.Contains(details[name], s) {
				t.Errorf("check %s detail %q lacks %q", name, details[name], s)
			}
		}
	}
	if rep.OK() != (len(fail) == 0) {
		t.Errorf("OK() = %v with failures %v", rep.OK(), rep.Failed())
	}
}

// closedServer returns a real clientset and config for an address that
// refuses connections.
func closedServer(t *testing.T) (kubernetes.Interface, *rest.Config) {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	cfg := &rest.Config{Host: srv.URL}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs, cfg
}

// A replica not ready yet (a pod replaced a moment ago) is reported, not
// refused: drills wait for a steady workload themselves.
func TestRunReportsReplicasNotReady(t *testing.T) {
	w := healthy()
	w.drop("Deployment", workload)
	w.typed = append(w.typed, deployment(2, 1))
	rep := preflight.Run(context.Background(), []preflight.Region{region(t, "us-east1", w)})
	expect(t, rep, nil, nil)
	for _, c := range rep.Checks {
		if c.Name == "workload" && !strings.Contains(c.Detail, "1/2 replicas ready (drills wait until all are") {
			t.Errorf("workload detail %q does not say 1/2 ready", c.Detail)
		}
	}
}
