package lint

import (
	"math"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// labelSet is the label names an expression's series can carry.
type labelSet struct {
	any      bool // unknown metric: any label may be there
	names    map[string]bool
	prefixes []string // e.g. label_ for kube_node_labels
}

func (s labelSet) has(n string) bool {
	if s.any || s.names[n] {
		return true
	}
	for _, p := range s.prefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

func setOf(names ...string) labelSet {
	s := labelSet{names: map[string]bool{}}
	for _, n := range names {
		s.names[n] = true
	}
	return s
}

func (s labelSet) union(o labelSet) labelSet {
	out := setOf()
	out.any = s.any || o.any
	for _, x := range []labelSet{s, o} {
		for n := range x.names {
			out.names[n] = true
		}
		out.prefixes = append(out.prefixes, x.prefixes...)
	}
	return out
}

// targetLabels are what a typical Kubernetes scrape adds to every series.
var targetLabels = []string{"job", "instance", "namespace", "pod", "service", "container", "endpoint"}

// knownMetrics are the labels well-known exporters put on their series
// (kube-state-metrics v2), besides the target labels.
var knownMetrics = map[string]labelSet{
	"kube_node_status_condition":                setOf("node", "condition", "status"),
	"kube_node_spec_unschedulable":              setOf("node"),
	"kube_node_info":                            setOf("node", "kernel_version", "os_image", "container_runtime_version", "kubelet_version", "kubeproxy_version", "provider_id", "pod_cidr", "internal_ip", "system_uuid"),
	"kube_node_labels":                          {names: map[string]bool{"node": true}, prefixes: []string{"label_"}},
	"kube_pod_status_ready":                     setOf("namespace", "pod", "uid", "condition"),
	"kube_pod_status_phase":                     setOf("namespace", "pod", "uid", "phase"),
	"kube_pod_info":                             setOf("namespace", "pod", "uid", "host_ip", "pod_ip", "node", "created_by_kind", "created_by_name", "priority_class", "host_network"),
	"kube_pod_container_status_ready":           setOf("namespace", "pod", "uid", "container"),
	"kube_deployment_status_replicas_available": setOf("namespace", "deployment"),
	"kube_deployment_status_replicas":           setOf("namespace", "deployment"),
	"kube_deployment_spec_replicas":             setOf("namespace", "deployment"),
}

// zeroOneMetrics have one series per object (and status) whose value is 0 or
// 1: count() over them counts objects, not the ones in the state.
var zeroOneMetrics = map[string]bool{
	"kube_node_status_condition": true, "kube_node_spec_unschedulable": true, "kube_pod_status_ready": true,
	"kube_pod_status_phase": true, "kube_pod_container_status_ready": true,
}

// outLabels returns the labels an expression's output series can carry.
func outLabels(e parser.Expr) labelSet {
	switch n := e.(type) {
	case *parser.VectorSelector:
		if known, ok := knownMetrics[n.Name]; ok {
			return known.union(setOf(targetLabels...))
		}
		return labelSet{any: true}
	case *parser.MatrixSelector:
		return outLabels(n.VectorSelector)
	case *parser.ParenExpr:
		return outLabels(n.Expr)
	case *parser.UnaryExpr:
		return outLabels(n.Expr)
	case *parser.StepInvariantExpr:
		return outLabels(n.Expr)
	case *parser.SubqueryExpr:
		return outLabels(n.Expr)
	case *parser.AggregateExpr:
		switch {
		case n.Op == parser.TOPK || n.Op == parser.BOTTOMK:
			return outLabels(n.Expr)
		case n.Without:
			in := outLabels(n.Expr)
			out := in.union(setOf())
			for _, g := range n.Grouping {
				delete(out.names, g)
			}
			return out
		default:
			return setOf(n.Grouping...)
		}
	case *parser.BinaryExpr:
		return binaryLabels(n)
	case *parser.Call:
		return callLabels(n)
	}
	return setOf() // literals
}

func binaryLabels(n *parser.BinaryExpr) labelSet {
	l, r := outLabels(n.LHS), outLabels(n.RHS)
	lScalar, rScalar := n.LHS.Type() == parser.ValueTypeScalar, n.RHS.Type() == parser.ValueTypeScalar
	switch {
	case lScalar && rScalar:
		return setOf()
	case rScalar:
		return l
	case lScalar:
		return r
	case n.Op == parser.LOR:
		return l.union(r)
	case n.Op.IsSetOperator() || (n.Op.IsComparisonOperator() && !n.ReturnBool):
		return l
	}
	m := n.VectorMatching
	if m == nil {
		return l
	}
	switch m.Card {
	case parser.CardManyToOne:
		return l.union(setOf(m.Include...))
	case parser.CardOneToMany:
		return r.union(setOf(m.Include...))
	}
	if m.On {
		return setOf(m.MatchingLabels...)
	}
	out := l.union(setOf())
	for _, g := range m.MatchingLabels {
		delete(out.names, g)
	}
	return out
}

func callLabels(n *parser.Call) labelSet {
	switch n.Func.Name {
	case "vector", "scalar", "time", "pi":
		return setOf()
	case "label_replace", "label_join":
		if len(n.Args) > 1 {
			if s, ok := n.Args[1].(*parser.StringLiteral); ok {
				return outLabels(n.Args[0]).union(setOf(s.Val))
			}
		}
	case "absent", "absent_over_time":
		out := setOf()
		parser.Inspect(n.Args[0], func(node parser.Node, _ []parser.Node) error {
			if vs, ok := node.(*parser.VectorSelector); ok {
				for _, m := range vs.LabelMatchers {
					if m.Type == labels.MatchEqual && m.Name != labels.MetricName {
						out.names[m.Name] = true
					}
				}
			}
			return nil
		})
		return out
	}
	for _, a := range n.Args {
		if t := a.Type(); t == parser.ValueTypeVector || t == parser.ValueTypeMatrix {
			return outLabels(a)
		}
	}
	return setOf()
}

func unparen(e parser.Expr) parser.Expr {
	for {
		switch n := e.(type) {
		case *parser.ParenExpr:
			e = n.Expr
		case *parser.StepInvariantExpr:
			e = n.Expr
		default:
			return e
		}
	}
}

// comparison splits a filtering comparison of a vector with a number into the
// vector side, the operator as seen from the vector (v OP c) and c.
func comparison(e parser.Expr) (vec parser.Expr, op parser.ItemType, c float64, ok bool) {
	b, isBin := unparen(e).(*parser.BinaryExpr)
	if !isBin || !b.Op.IsComparisonOperator() || b.ReturnBool {
		return nil, 0, 0, false
	}
	if n, isNum := unparen(b.RHS).(*parser.NumberLiteral); isNum {
		return b.LHS, b.Op, n.Val, true
	}
	if n, isNum := unparen(b.LHS).(*parser.NumberLiteral); isNum {
		flip := map[parser.ItemType]parser.ItemType{parser.LSS: parser.GTR, parser.GTR: parser.LSS, parser.LTE: parser.GTE, parser.GTE: parser.LTE}
		op := b.Op
		if f, ok := flip[op]; ok {
			op = f
		}
		return b.RHS, op, n.Val, true
	}
	return nil, 0, 0, false
}

// neverTrueForCount reports whether `count(...) OP c` can never hold: count
// yields a series only for groups with at least one input series, and its
// value is then at least 1.
func neverTrueForCount(op parser.ItemType, c float64) bool {
	switch op {
	case parser.LSS:
		return c <= 1
	case parser.LTE:
		return c < 1
	case parser.EQLC:
		return c < 1 || c != math.Trunc(c)
	}
	return false
}

// canBeEmpty reports whether an expression can return no series at all.
func canBeEmpty(e parser.Expr) bool {
	switch n := e.(type) {
	case *parser.NumberLiteral, *parser.StringLiteral:
		return false
	case *parser.ParenExpr:
		return canBeEmpty(n.Expr)
	case *parser.StepInvariantExpr:
		return canBeEmpty(n.Expr)
	case *parser.UnaryExpr:
		return canBeEmpty(n.Expr)
	case *parser.AggregateExpr:
		return canBeEmpty(n.Expr)
	case *parser.BinaryExpr:
		switch {
		case n.Op == parser.LOR:
			return canBeEmpty(n.LHS) && canBeEmpty(n.RHS)
		case n.Op.IsComparisonOperator() && !n.ReturnBool:
			return true // a filter
		case n.LHS.Type() == parser.ValueTypeScalar:
			return canBeEmpty(n.RHS)
		case n.RHS.Type() == parser.ValueTypeScalar:
			return canBeEmpty(n.LHS)
		}
		return true
	case *parser.Call:
		return n.Func.Name != "vector"
	}
	return true
}
