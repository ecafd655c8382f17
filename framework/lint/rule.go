package lint

import "context"

// Rule is one check of the manifests.
type Rule interface {
	// Meta describes the rule.
	Meta() RuleMeta
	// Check returns what the rule finds in the input. Lint fills in the
	// rule id and the default severity where a finding sets none.
	Check(ctx context.Context, in *Input) []Finding
}

// RuleMeta describes a rule for people and for SARIF.
type RuleMeta struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Summary is one line; Help explains what the rule models and why.
	Summary string `json:"summary"`
	Help    string `json:"help"`
}

type ruleFunc struct {
	meta  RuleMeta
	check func(in *Input) []Finding
}

func (r ruleFunc) Meta() RuleMeta                               { return r.meta }
func (r ruleFunc) Check(_ context.Context, in *Input) []Finding { return r.check(in) }

var _ Rule = ruleFunc{}

// Rules returns every rule, in the order they run.
func Rules() []Rule {
	var out []Rule
	for _, group := range [][]Rule{
		pdbRules(), capacityRules(), backupRules(), backupScriptRules(),
		timingRules(), alertRules(), failoverRules(), failoverGraphRules(), hostRules(), relationRules(), serviceRules(),
	} {
		out = append(out, group...)
	}
	return out
}
