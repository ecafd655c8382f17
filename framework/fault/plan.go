package fault

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Plan is a fault resolved against an environment: what it will touch and
// how it will be undone. It is journalled before injection and holds
// everything Revert needs.
type Plan struct {
	ID   string `json:"id"`
	Spec Spec   `json:"spec"`
	// Environment the plan targets.
	Environment string `json:"environment"`
	// Nodes, Pods and Endpoints the fault touches (region-qualified where it matters).
	Nodes     []string `json:"nodes,omitempty"`
	Pods      []string `json:"pods,omitempty"`
	Endpoints []string `json:"endpoints,omitempty"`
	// AgentFaults are the data-plane agent's fault IDs this fault uses.
	AgentFaults []string `json:"agentFaults,omitempty"`
	// ControlPlane is the cluster whose control plane a region outage stops.
	ControlPlane string `json:"controlPlane,omitempty"`
	// Steps describe the injection and Revert how it is undone, for people.
	Steps  []string `json:"steps"`
	Revert string   `json:"revert"`
	// ChaosMesh is the fault as a Chaos Mesh object, when Chaos Mesh has a kind for it.
	ChaosMesh json.RawMessage `json:"chaosMesh,omitempty"`
}

// Print writes the plan for people (--dry-run).
func (p *Plan) Print(w io.Writer) {
	fmt.Fprintf(w, "fault %s: %s\n", p.ID, p.Spec)
	fmt.Fprintf(w, "  environment: %s\n", p.Environment)
	fmt.Fprintf(w, "  duration:    %s (reverted after it, on error, on Ctrl-C, and by the agent if this process dies)\n", p.Spec.Duration)
	list := func(name string, xs []string) {
		if len(xs) > 0 {
			fmt.Fprintf(w, "  %-12s %s\n", name+":", strings.Join(xs, ", "))
		}
	}
	list("nodes", p.Nodes)
	list("pods", p.Pods)
	list("endpoints", p.Endpoints)
	if p.ControlPlane != "" {
		fmt.Fprintf(w, "  control plane: %s (stopped)\n", p.ControlPlane)
	}
	fmt.Fprintln(w, "  steps:")
	for _, s := range p.Steps {
		fmt.Fprintf(w, "    - %s\n", s)
	}
	fmt.Fprintf(w, "  revert: %s\n", p.Revert)
	if len(p.ChaosMesh) > 0 {
		fmt.Fprintf(w, "  chaos mesh: %s\n", p.ChaosMesh)
	}
}

// newID returns a fault ID: kind and UTC time, unique enough for a journal.
func newID(k Kind, now time.Time) string {
	return fmt.Sprintf("%s-%s-%04d", k, now.UTC().Format("20060102t150405"), now.Nanosecond()/100000%10000)
}
