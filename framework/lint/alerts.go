package lint

import (
	"fmt"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/fixtures"
)

// alertRule is one alerting rule of a PrometheusRule.
type alertRule struct {
	obj      *fixtures.Object
	path     string // spec.groups[i].rules[j]
	name     string
	exprText string
	expr     parser.Expr // nil when it does not parse
	exprErr  error
	forText  string
	forDur   time.Duration
	forErr   error
	interval time.Duration // the group's evaluation interval
	labels   map[string]string
}

// alertRules reads every alerting rule (recording rules are skipped). Values
// of the wrong type or that do not parse are kept with their error for the
// invalid-value rule; the other rules skip them.
func (in *Input) alertRules() ([]alertRule, []Finding) {
	var out []alertRule
	var problems []Finding
	for _, o := range in.Platform.ByGroupKind(fixtures.PrometheusRuleGK) {
		u, ok := o.Object.(*unstructured.Unstructured)
		if !ok {
			continue
		}
		r := fieldReader{obj: o, u: u.Object}
		groups := r.slice("spec", "groups")
		for i, g := range groups {
			gm, ok := g.(map[string]any)
			if !ok {
				continue
			}
			gr := fieldReader{obj: o, prefix: fmt.Sprintf("spec.groups[%d]", i), u: gm}
			interval := in.EvaluationInterval
			if s := gr.str("interval"); s != "" {
				if d, err := model.ParseDuration(s); err == nil && d > 0 {
					interval = time.Duration(d)
				}
			}
			for j, raw := range gr.slice("rules") {
				rm, ok := raw.(map[string]any)
				if !ok {
					continue
				}
				base := fmt.Sprintf("spec.groups[%d].rules[%d]", i, j)
				rr := fieldReader{obj: o, prefix: base, u: rm}
				a := alertRule{obj: o, path: base, name: rr.str("alert"), interval: interval}
				if a.name == "" {
					continue
				}
				a.exprText = rr.str("expr")
				if e, err := parser.ParseExpr(a.exprText); err != nil {
					a.exprErr = err // the parser may return a partial tree: keep none
				} else {
					a.expr = e
				}
				if a.forText = rr.str("for"); a.forText != "" {
					d, err := model.ParseDuration(a.forText)
					a.forDur, a.forErr = time.Duration(d), err
				}
				a.labels, _, _ = unstructured.NestedStringMap(rm, "labels")
				problems = append(problems, rr.problems...)
				out = append(out, a)
			}
			problems = append(problems, gr.problems...)
		}
		problems = append(problems, r.problems...)
	}
	return out, problems
}
