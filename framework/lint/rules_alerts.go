package lint

import (
	"fmt"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"
)

func alertRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "alert-never-fires", Severity: SeverityError,
			Summary: "an alert's expression can never be true",
			Help: "count() returns a series only for a group with at least one input series, and its value is then at least 1: `count(...) < 1` " +
				"(or <= 0, == 0) never holds; a group whose inputs vanish yields no series at all."},
			checkNeverFires},
		ruleFunc{RuleMeta{ID: "alert-missing-label", Severity: SeverityWarning,
			Summary: "an aggregation groups by a label its input does not carry",
			Help: "Grouping by a label the metric lacks puts every series in one group with that label empty. Known label sets: kube-state-metrics v2 " +
				"metrics plus the usual target labels; unknown metrics are assumed to carry any label."},
			checkMissingLabel},
		ruleFunc{RuleMeta{ID: "alert-counts-series", Severity: SeverityWarning,
			Summary: "count() over a 0/1 state metric counts objects, not the ones in that state",
			Help: "kube-state-metrics exposes a series per object and status (e.g. kube_node_status_condition{status=\"true\"} exists for every node, " +
				"with value 1 when Ready and 0 otherwise); count() counts the series. Use sum() or filter with == 1."},
			checkCountsSeries},
		ruleFunc{RuleMeta{ID: "alert-empty-aggregation", Severity: SeverityWarning,
			Summary: "an alert on a global aggregation cannot fire once every input series is gone",
			Help: "`sum(up{job=\"x\"}) < 2` yields nothing when all targets disappear (pods deleted, replacements Pending, job scaled to zero): " +
				"the outage the alert is for silences it. Add `or vector(0)` inside the comparison, or a companion absent() alert."},
			checkEmptyAggregation},
		ruleFunc{RuleMeta{ID: "sensor-datakey", Severity: SeverityError,
			Summary: "an Argo Events parameter's dataKey is not a valid gjson path",
			Help: "Argo Events resolves dataKey with gjson, where array items are addressed as .N (body.alerts.0.labels.region); [N] is read as part of " +
				"a key name, so the key is never found and, without a default value, the trigger fails."},
			checkSensorDataKey},
		ruleFunc{RuleMeta{ID: "sensor-label-missing", Severity: SeverityError,
			Summary: "a Sensor reads an alert label that the alert never carries",
			Help: "For dataKeys reading body.alerts.N.labels.X (Alertmanager's webhook payload), finds the alerts the dependency's event is named after " +
				"(all alerts when none match) and checks that X is set by the rule's labels or survives its expression's aggregations."},
			checkSensorLabel},
	}
}

// aggregateComparison splits an alert of the form agg(...) OP number.
func (a alertRule) aggregateComparison() (agg *parser.AggregateExpr, op parser.ItemType, c float64, ok bool) {
	if a.expr == nil {
		return nil, 0, 0, false
	}
	vec, op, c, ok := comparison(a.expr)
	if !ok {
		return nil, 0, 0, false
	}
	agg, ok = unparen(vec).(*parser.AggregateExpr)
	return agg, op, c, ok
}

func checkNeverFires(in *Input) []Finding {
	var out []Finding
	rules, _ := in.alertRules()
	for _, a := range rules {
		agg, op, c, ok := a.aggregateComparison()
		if !ok || agg.Op != parser.COUNT || !neverTrueForCount(op, c) {
			continue
		}
		out = append(out, Finding{Position: a.obj.At(a.path + ".expr"), Object: a.obj.Ref(),
			Message: fmt.Sprintf("alert %s can never fire: count() yields a series only for a group with at least one input series, valued at least 1, so `%s %s` is never true; a group whose series all vanish yields no series at all",
				a.name, op, formatNum(c)),
			Fix: "compare a sum of the 0/1 values instead (e.g. sum by (zone) (kube_node_status_condition{condition=\"Ready\",status=\"true\"} * on (node) group_left (zone) label_replace(kube_node_labels, \"zone\", \"$1\", \"label_topology_kubernetes_io_zone\", \"(.+)\")) < 1), or alert on absent()"})
	}
	return out
}

func formatNum(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%f", f), "0"), ".")
}

func checkMissingLabel(in *Input) []Finding {
	var out []Finding
	rules, _ := in.alertRules()
	for _, a := range rules {
		if a.expr == nil {
			continue
		}
		var missing []string
		parser.Inspect(a.expr, func(n parser.Node, _ []parser.Node) error {
			agg, ok := n.(*parser.AggregateExpr)
			if !ok || agg.Without {
				return nil
			}
			have := outLabels(agg.Expr)
			for _, g := range agg.Grouping {
				if !have.has(g) {
					missing = append(missing, fmt.Sprintf("%s groups by %s, which %s does not carry", agg.Op, g, describeInput(agg.Expr)))
				}
			}
			return nil
		})
		if len(missing) > 0 {
			out = append(out, Finding{Position: a.obj.At(a.path + ".expr"), Object: a.obj.Ref(),
				Message: fmt.Sprintf("alert %s: %s: every series falls in one group with an empty label", a.name, strings.Join(missing, "; ")),
				Fix:     "join the label in from a metric that has it (kube_node_labels has label_topology_kubernetes_io_zone when kube-state-metrics allow-lists it) with * on (node) group_left (...)"})
		}
	}
	return out
}

// firstSelector returns the first series selector of an expression.
func firstSelector(e parser.Expr) string {
	var out string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok && out == "" {
			out = vs.String()
		}
		return nil
	})
	if out == "" {
		return describeInput(e)
	}
	return out
}

// describeInput names the metrics an expression reads.
func describeInput(e parser.Expr) string {
	var names []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok && vs.Name != "" {
			names = append(names, vs.Name)
		}
		return nil
	})
	if len(names) == 0 {
		return "its input"
	}
	return strings.Join(names, ", ")
}

func checkCountsSeries(in *Input) []Finding {
	var out []Finding
	rules, _ := in.alertRules()
	for _, a := range rules {
		if a.expr == nil {
			continue
		}
		parser.Inspect(a.expr, func(n parser.Node, _ []parser.Node) error {
			agg, ok := n.(*parser.AggregateExpr)
			if !ok || agg.Op != parser.COUNT {
				return nil
			}
			if vs, ok := unparen(agg.Expr).(*parser.VectorSelector); ok && zeroOneMetrics[vs.Name] {
				out = append(out, Finding{Position: a.obj.At(a.path + ".expr"), Object: a.obj.Ref(),
					Message: fmt.Sprintf("alert %s counts %s series, which exist with value 0 or 1 for every object: count() is the number of objects, not of those in the selected state", a.name, vs.Name),
					Fix:     fmt.Sprintf("use sum(%s) or count(%s == 1)", vs, vs)})
			}
			return nil
		})
	}
	return out
}

func checkEmptyAggregation(in *Input) []Finding {
	var out []Finding
	rules, _ := in.alertRules()
	for _, a := range rules {
		agg, op, c, ok := a.aggregateComparison()
		if !ok || len(agg.Grouping) > 0 || agg.Without || !canBeEmpty(agg.Expr) {
			continue
		}
		if agg.Op == parser.COUNT && neverTrueForCount(op, c) {
			continue // alert-never-fires
		}
		if !(op == parser.LSS || op == parser.LTE || op == parser.EQLC) {
			continue // alerting on "too much": silence when nothing is there is right
		}
		out = append(out, Finding{Position: a.obj.At(a.path + ".expr"), Object: a.obj.Ref(),
			Message: fmt.Sprintf("alert %s cannot fire once every %s series is gone: %s() over nothing yields no series, so the full outage it is meant for silences it",
				a.name, describeInput(agg.Expr), agg.Op),
			Fix: fmt.Sprintf("compare (%s or vector(0)) instead, or add an absent(%s) alert", agg, firstSelector(agg.Expr))})
	}
	return out
}
