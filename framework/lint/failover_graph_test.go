package lint

import (
	"strings"
	"testing"

	"gameday.io/gameday/framework/topology"
)

// topo3 is a topology of three regions: r1 primary, r2 and r3 DR.
func topo3(t *testing.T) *topology.Topology {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: gameday.io/v1alpha1\nkind: Topology\nmetadata: {name: t3}\nnode: {gpus: 8, gpuProduct: G}\nregions:\n")
	for _, r := range []struct{ name, role string }{{"r1", "primary"}, {"r2", "dr"}, {"r3", "dr"}} {
		b.WriteString("- name: " + r.name + "\n  role: " + r.role + "\n  zones:\n  - {name: " + r.name + "-a, nodes: 3}\n  - {name: " + r.name + "-b, nodes: 3}\n")
	}
	tp, err := topology.Parse("t3.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// failover returns drYAML with its failover list replaced by pairs from→to.
func failover(t *testing.T, pairs ...string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteString("        - from: " + pairs[i] + "\n          to: " + pairs[i+1] + "\n")
	}
	return with(t, drYAML, "        - from: r1\n          to: r2\n", b.String()) + workloadYAML
}

func TestFailoverGraphRules(t *testing.T) {
	two := WithTopology(topo(t, 2, 3, 8))
	three := WithTopology(topo3(t))
	runRuleCases(t, "failover-same-region", []ruleCase{
		{name: "to itself", manifests: failover(t, "r1", "r1", "r2", "r1"), opts: []Option{two}, want: true, line: 15, severity: SeverityError,
			text: "failover from r1 goes to r1 itself: Istio rejects the DestinationRule"},
		{name: "mutual", manifests: failover(t, "r1", "r2", "r2", "r1"), opts: []Option{two}},
	})
	runRuleCases(t, "failover-duplicate-source", []ruleCase{
		{name: "two rules from r1", manifests: failover(t, "r1", "r2", "r2", "r1", "r1", "r3"), opts: []Option{three}, want: true, line: 18,
			text: "a second failover rule for r1 (to r3) never applies: Istio uses the first, failover[0] (to r2)"},
		{name: "one rule each", manifests: failover(t, "r1", "r2", "r2", "r1"), opts: []Option{two}},
	})
	runRuleCases(t, "failover-no-path", []ruleCase{
		{name: "two regions: info", manifests: drYAML + workloadYAML, opts: []Option{two}, want: true, line: 13, severity: SeverityInfo,
			text: "region r2 of topology t has no failover rule: when its endpoints are ejected, its traffic still reaches r1, the only other region"},
		{name: "three regions: warning", manifests: failover(t, "r1", "r2", "r2", "r1"), opts: []Option{three}, want: true, severity: SeverityWarning,
			text: "region r3 of topology t3 has no failover rule: when its endpoints are ejected, its traffic spreads over r1, r2 at the same lowest priority"},
		{name: "every region has a rule", manifests: failover(t, "r1", "r2", "r2", "r1"), opts: []Option{two}},
		{name: "a broken rule is reported elsewhere", manifests: failover(t, "r1", "us-west1", "r2", "r1"), opts: []Option{two}},
	})
	runRuleCases(t, "failover-cycle", []ruleCase{
		{name: "cycle leaves a DR region out", manifests: failover(t, "r1", "r2", "r2", "r1", "r3", "r1"), opts: []Option{three}, want: true, line: 13, severity: SeverityWarning,
			text: "the DR region r3 is never a failover target: the rules form a cycle without it (r1 → r2 → r1)"},
		{name: "DR region named by no rule", manifests: failover(t, "r2", "r1"), opts: []Option{two}, want: true,
			text: "the DR region r2 is never a failover target: no failover rule names it"},
		{name: "chain through every DR region", manifests: failover(t, "r1", "r2", "r2", "r3", "r3", "r1"), opts: []Option{three}},
		{name: "mutual failover of two regions", manifests: failover(t, "r1", "r2", "r2", "r1"), opts: []Option{two}},
		{name: "unknown target is reported elsewhere", manifests: failover(t, "r1", "us-west1", "r2", "r1"), opts: []Option{two}},
	})
}

func TestCycleWithout(t *testing.T) {
	cases := []struct {
		next   map[string]string
		region string
		want   string
	}{
		{map[string]string{"a": "b", "b": "a"}, "c", "a b"},
		{map[string]string{"c": "a", "a": "b", "b": "a"}, "c", "a b"},
		{map[string]string{"a": "b", "b": "c", "c": "a"}, "c", ""},
		{map[string]string{"b": "c", "c": "a", "a": "b"}, "d", "a b c"},
		{map[string]string{"a": "b", "b": "c"}, "d", ""},
		{map[string]string{}, "a", ""},
	}
	for _, c := range cases {
		if got := strings.Join(cycleWithout(c.next, c.region), " "); got != c.want {
			t.Errorf("cycleWithout(%v, %s) = %q, want %q", c.next, c.region, got, c.want)
		}
	}
}

func TestDestinationRuleHost(t *testing.T) {
	two := WithTopology(topo(t, 2, 3, 8))
	runRuleCases(t, "destinationrule-host", []ruleCase{
		{name: "short name", manifests: drYAML + workloadYAML, opts: []Option{two}},
		{name: "FQDN", manifests: with(t, drYAML, "host: web", "host: web.app.svc.cluster.local") + workloadYAML, opts: []Option{two}},
		{name: "wildcard", manifests: with(t, drYAML, "host: web", `host: "*.app.svc.cluster.local"`) + workloadYAML, opts: []Option{two}},
		{name: "typo", manifests: with(t, drYAML, "host: web", "host: wbe.app.svc.cluster.local") + workloadYAML, opts: []Option{two}, want: true, line: 5, severity: SeverityError,
			text: `host "wbe.app.svc.cluster.local" (taken as written) matches no Service of these manifests (Services: web.app)`},
		{name: "short name of another namespace", manifests: with(t, drYAML, "{name: dr, namespace: app}", "{name: dr, namespace: mesh}") + workloadYAML, opts: []Option{two}, want: true,
			text: `host "web" (web.mesh.svc.cluster.local) matches no Service`},
		{name: "name.namespace", manifests: with(t, drYAML, "host: web", "host: web.app") + workloadYAML, opts: []Option{two}, want: true, severity: SeverityWarning,
			text: `host "web.app" reaches Service app/web through Kubernetes DNS search paths, but Istio expands only a name without dots`},
		{name: "external host", manifests: with(t, drYAML, "host: web", "host: api.example.com") + workloadYAML, opts: []Option{two}},
		{name: "Service without a namespace", manifests: with(t, drYAML, "metadata: {name: web, namespace: app}", "metadata: {name: web}") + workloadYAML, opts: []Option{two}},
	})
}

func TestRelationRules(t *testing.T) {
	two := WithTopology(topo(t, 2, 3, 8))
	svc := "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: app}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n"
	named := with(t, workloadYAML, "        image: web\n", "        image: web\n        ports: [{name: http, containerPort: 8000}]\n")
	runRuleCases(t, "port-name", []ruleCase{
		{name: "targetPort names no container port", manifests: workloadYAML + svc, opts: []Option{two}, want: true, line: 33, severity: SeverityError,
			text: `port 80: targetPort "http" names no TCP port of any container (web declares no ports) of Deployment app/web: the Service has no endpoints on its pods`},
		{name: "probe port name missing", manifests: with(t, named, "port: 80}", "port: http2}") + svc, opts: []Option{two}, want: true, line: 20,
			text: `container web readinessProbe: port "http2" is not a port of container web (web: http=8000/TCP): the kubelet cannot run the probe`},
		{name: "named ports that exist", manifests: with(t, named, "port: 80}", "port: http}") + svc, opts: []Option{two}},
	})
	second := "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web2, namespace: app}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n"
	runRuleCases(t, "pdb-overlap", []ruleCase{
		{name: "two budgets", manifests: workloadYAML + second, opts: []Option{two}, want: true, line: 3,
			text: "pods are covered by 2 PodDisruptionBudgets (PodDisruptionBudget app/web (m.yaml:21), PodDisruptionBudget app/web2 (m.yaml:28)): the Eviction API refuses"},
		{name: "one budget", manifests: workloadYAML, opts: []Option{two}},
	})
	runRuleCases(t, "invalid-value", []ruleCase{
		{name: "budget not a percentage", manifests: with(t, workloadYAML, "minAvailable: 4", `minAvailable: "4"`), opts: []Option{two}, want: true, line: 25,
			text: `spec.minAvailable "4": invalid value for IntOrString`},
	})
}

func TestMaxEjectionThroughHosts(t *testing.T) {
	two := WithTopology(topo(t, 2, 3, 8))
	thirty := with(t, drYAML, "maxEjectionPercent: 50", "maxEjectionPercent: 30")
	runRuleCases(t, "outlier-max-ejection", []ruleCase{
		{name: "FQDN host", manifests: with(t, thirty, "host: web", "host: web.app.svc.cluster.local") + workloadYAML, opts: []Option{two}, want: true, line: 9,
			text: "a zone of r1 holds 3 of web's 6 endpoints (50%), but maxEjectionPercent 30 lets outlier detection eject only 1: when the zone fails, 2 dead endpoints keep"},
		{name: "wildcard host", manifests: with(t, thirty, "host: web", `host: "*.app.svc.cluster.local"`) + workloadYAML, opts: []Option{two}, want: true},
		{name: "Service without a namespace", manifests: with(t, thirty, "metadata: {name: web, namespace: app}", "metadata: {name: web}") + workloadYAML, opts: []Option{two}, want: true},
		{name: "host of another namespace", manifests: with(t, thirty, "host: web", "host: web.other.svc.cluster.local") + workloadYAML, opts: []Option{two}},
	})
}
