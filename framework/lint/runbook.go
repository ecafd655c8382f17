package lint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

// scaleStep is a `kubectl scale deployment NAME --replicas=N` in a runbook.
type scaleStep struct {
	obj        *fixtures.Object
	pos        fixtures.Position
	deployment string
	namespace  string // "" when the command names none
	context    string
	replicas   int
}

// runbookScales finds the kubectl scale commands in every ConfigMap value.
// Markdown values are searched inside their ``` fences only.
func runbookScales(p *fixtures.Platform) []scaleStep {
	var out []scaleStep
	for _, o := range p.Objects {
		cm, ok := o.Object.(*corev1.ConfigMap)
		if !ok {
			continue
		}
		keys := make([]string, 0, len(cm.Data))
		for k := range cm.Data {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			for _, c := range commands(fencedCode(cm.Data[k])) {
				if s, ok := parseScale(c.words); ok {
					s.obj, s.pos = o, o.TextAt(fmt.Sprintf("data[%q]", k), c.line)
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// parseScale reads kubectl [flags] scale deployment NAME|deployment/NAME --replicas N.
func parseScale(words []string) (scaleStep, bool) {
	var s scaleStep
	if len(words) < 3 || words[0] != "kubectl" || !slices.Contains(words, "scale") {
		return s, false
	}
	valued := []string{"--replicas", "--context", "-n", "--namespace", "--current-replicas", "--resource-version", "--timeout", "-l", "--selector", "-f", "--filename"}
	args := positional(words[1:], valued...)
	i := slices.Index(args, "scale")
	if i < 0 || i+1 >= len(args) {
		return s, false
	}
	kind, name, _ := strings.Cut(args[i+1], "/")
	if name == "" && i+2 < len(args) {
		name = args[i+2]
	}
	if !slices.Contains([]string{"deployment", "deployments", "deploy", "deployment.apps", "deployments.apps"}, kind) || name == "" {
		return s, false
	}
	v, ok := flag(words, "--replicas")
	if !ok {
		return s, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return s, false
	}
	s.deployment, s.replicas = name, n
	s.namespace, _ = flag(words, "--namespace", "-n")
	s.context, _ = flag(words, "--context")
	return s, true
}

// targetRegions resolves a kubectl context to topology regions: a context
// that names a region is that region; one that mentions "dr" is every DR
// region; otherwise every DR region too (the runbook's scale-up happens in
// the DR region).
func (in *Input) targetRegions(context string) []string {
	for _, r := range in.Topology.Regions {
		if r.Name != "" && strings.Contains(context, r.Name) {
			return []string{r.Name}
		}
	}
	var out []string
	for _, r := range in.Topology.Regions {
		if r.Role == framework.RoleDR {
			out = append(out, r.Name)
		}
	}
	return out
}

// RunbookScale is a scale-up the platform's runbook prescribes: Replicas of
// Deployment (in Namespace; "" when the command names none) in Regions.
type RunbookScale struct {
	Deployment, Namespace string
	Replicas              int
	// Context is the command's --context; Regions are the topology regions
	// it resolves to (a context naming a region is that region, any other
	// every DR region: the runbook's scale-up happens in the DR region).
	Context string
	Regions []string
	// At is where the command is written (file:line).
	At string
}

// RunbookScales lists the runbook's `kubectl scale deployment` commands
// (every ConfigMap value, inside ``` fences for Markdown), resolved against
// the topology's regions.
func RunbookScales(p *fixtures.Platform, t *topology.Topology) []RunbookScale {
	in := &Input{Platform: p, Topology: t}
	var out []RunbookScale
	for _, s := range runbookScales(p) {
		out = append(out, RunbookScale{Deployment: s.deployment, Namespace: s.namespace, Replicas: s.replicas,
			Context: s.context, Regions: in.targetRegions(s.context), At: s.pos.String()})
	}
	return out
}
