package lint

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/topology"
)

// workloadYAML is a small platform: a GPU Deployment spread over zones and
// its PDB. Tests change it with strings.Replace.
const workloadYAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector: {matchLabels: {app: web}}
      containers:
      - name: web
        image: web
        resources: {limits: {nvidia.com/gpu: 1}}
        readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 30, periodSeconds: 10}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: app}
spec:
  minAvailable: 4
  selector: {matchLabels: {app: web}}
`

// with returns s with each old→new replacement applied once; it fails the
// test when old is not there, so a stale replacement cannot pass silently.
func with(t testing.TB, s string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("replacement %q not found", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// topo builds a topology: a primary region r1 and a DR region r2, each with
// the given number of zones of nodes nodes with gpus GPUs.
func topo(t testing.TB, zones, nodes, gpus int) *topology.Topology {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: gameday.io/v1alpha1\nkind: Topology\nmetadata: {name: t}\nnode: {gpus: %d, gpuProduct: G}\nregions:\n", gpus)
	for _, r := range []struct{ name, role string }{{"r1", "primary"}, {"r2", "dr"}} {
		fmt.Fprintf(&b, "- name: %s\n  role: %s\n  zones:\n", r.name, r.role)
		for z := range zones {
			fmt.Fprintf(&b, "  - {name: %s-%c, nodes: %d}\n", r.name, 'a'+z, nodes)
		}
	}
	tp, err := topology.Parse("t.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// lintYAML decodes manifests written as one file m.yaml and lints them.
func lintYAML(t testing.TB, manifests string, opts ...Option) *Report {
	t.Helper()
	objs, err := fixtures.Decode("m.yaml", []byte(manifests))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Lint(context.Background(), fixtures.NewPlatform(objs), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// ruleCase is one positive or negative case of one rule.
type ruleCase struct {
	name      string
	manifests string
	opts      []Option
	// want: the rule must report at least one finding (else none).
	want bool
	// line and text, when set, must match one of the rule's findings.
	line     int
	text     string
	severity Severity
}

func runRuleCases(t *testing.T, rule string, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := lintYAML(t, c.manifests, c.opts...)
			got := rep.ByRule(rule)
			if !c.want {
				if len(got) > 0 {
					t.Fatalf("unexpected %s findings: %v", rule, got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("no %s finding; all findings: %v", rule, rep.Findings)
			}
			for _, f := range got {
				if (c.line == 0 || f.Position.Line == c.line) && strings.Contains(f.Message, c.text) && (c.severity == "" || f.Severity == c.severity) {
					if f.Position.File != "m.yaml" || f.Fix == "" {
						t.Errorf("finding lacks file or fix: %+v", f)
					}
					return
				}
			}
			t.Fatalf("no %s finding at line %d containing %q (severity %q): %v", rule, c.line, c.text, c.severity, got)
		})
	}
}
