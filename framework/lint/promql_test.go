package lint

import (
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
)

func TestOutLabels(t *testing.T) {
	cases := []struct {
		expr      string
		has, lack []string
	}{
		{`sum(up{job="x"})`, nil, []string{"job", "region"}},
		{`sum by (region) (up)`, []string{"region"}, []string{"job"}},
		{`sum without (instance) (kube_pod_status_ready)`, []string{"pod", "namespace"}, []string{"instance"}},
		{`up == 0`, []string{"job", "region", "anything"}, nil},
		{`kube_node_status_condition`, []string{"node", "status", "job"}, []string{"topology_kubernetes_io_zone"}},
		{`kube_node_labels`, []string{"label_topology_kubernetes_io_zone"}, []string{"zone"}},
		{`label_replace(kube_node_labels, "zone", "$1", "label_x", "(.+)")`, []string{"zone", "node"}, []string{"region"}},
		{`kube_node_status_condition * on (node) group_left (zone) kube_node_labels`, []string{"zone", "status"}, []string{"region"}},
		{`kube_node_status_condition * on (node) kube_node_labels`, []string{"node"}, []string{"status"}},
		{`absent(up{job="x", region=~"r.*"})`, []string{"job"}, []string{"region"}},
		{`vector(1)`, nil, []string{"job"}},
		{`(sum(up) or vector(0)) < 2`, nil, []string{"job"}},
		{`rate(kube_pod_status_ready[5m])`, []string{"pod"}, []string{"zone"}},
		{`topk(3, kube_pod_info)`, []string{"node"}, []string{"zone"}},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			e, err := parser.ParseExpr(c.expr)
			if err != nil {
				t.Fatal(err)
			}
			got := outLabels(e)
			for _, l := range c.has {
				if !got.has(l) {
					t.Errorf("lacks %s: %+v", l, got)
				}
			}
			for _, l := range c.lack {
				if got.has(l) {
					t.Errorf("has %s: %+v", l, got)
				}
			}
		})
	}
}

func TestCanBeEmpty(t *testing.T) {
	for expr, want := range map[string]bool{
		`up`: true, `sum(up)`: true, `sum(up) or vector(0)`: false, `vector(0)`: false, `1`: false,
		`up > 0`: true, `sum(up) + 1`: true, `vector(0) + 1`: false, `absent(up)`: true,
	} {
		e, err := parser.ParseExpr(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := canBeEmpty(e); got != want {
			t.Errorf("canBeEmpty(%s) = %v", expr, got)
		}
	}
}

func TestComparison(t *testing.T) {
	cases := []struct {
		expr  string
		op    parser.ItemType
		c     float64
		ok    bool
		never bool
	}{
		{"count(up) < 1", parser.LSS, 1, true, true},
		{"1 > count(up)", parser.LSS, 1, true, true},
		{"count(up) <= 0.5", parser.LTE, 0.5, true, true},
		{"count(up) == 0", parser.EQLC, 0, true, true},
		{"count(up) == 1.5", parser.EQLC, 1.5, true, true},
		{"count(up) < 2", parser.LSS, 2, true, false},
		{"count(up) > 0", parser.GTR, 0, true, false},
		{"count(up) < bool 1", 0, 0, false, false},
		{"count(up) < count(down)", 0, 0, false, false},
	}
	for _, c := range cases {
		e, err := parser.ParseExpr(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		_, op, v, ok := comparison(e)
		if ok != c.ok || (ok && (op != c.op || v != c.c || neverTrueForCount(op, v) != c.never)) {
			t.Errorf("%s: op %v %v ok %v never %v", c.expr, op, v, ok, neverTrueForCount(op, v))
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{"InferenceServiceDown": "inference service down", "inference-down": "inference down", "zone_failure2": "zone failure2"} {
		got := ""
		for i, w := range words(in) {
			if i > 0 {
				got += " "
			}
			got += w
		}
		if got != want {
			t.Errorf("words(%q) = %q", in, got)
		}
	}
}
