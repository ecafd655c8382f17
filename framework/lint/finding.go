package lint

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"gameday.io/gameday/fixtures"
)

// Severity ranks a finding.
type Severity string

// Severities, most severe first. An error-level finding fails `gameday lint`.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	default:
		return 2
	}
}

// Finding is one problem found in the manifests.
type Finding struct {
	Rule     string            `json:"rule"`
	Severity Severity          `json:"severity"`
	Message  string            `json:"message"`
	Position fixtures.Position `json:"position"`
	// Object names the manifest object (Kind namespace/name).
	Object string `json:"object,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

// String renders file:line: severity rule: message.
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s %s: %s", f.Position, f.Severity, f.Rule, f.Message)
}

// Report is the outcome of linting a platform.
type Report struct {
	// Objectives and topology the manifests were checked against.
	RTO      time.Duration `json:"rto"`
	RPO      time.Duration `json:"rpo"`
	Topology string        `json:"topology"`
	// Findings sorted by file, line, severity and rule.
	Findings []Finding `json:"findings"`
}

// Count returns how many findings have severity s.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// HasErrors reports whether any finding is error-level.
func (r *Report) HasErrors() bool { return r.Count(SeverityError) > 0 }

// ByRule returns the findings of one rule.
func (r *Report) ByRule(id string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Rule == id {
			out = append(out, f)
		}
	}
	return out
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Position.File, b.Position.File),
			cmp.Compare(a.Position.Line, b.Position.Line),
			cmp.Compare(a.Severity.rank(), b.Severity.rank()),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
