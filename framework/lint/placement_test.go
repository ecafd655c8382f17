package lint

import (
	"slices"
	"testing"

	"gameday.io/gameday/fixtures"
)

func modelOf(t *testing.T, manifests string, zones, nodes, gpus int) *regionModel {
	t.Helper()
	objs, err := fixtures.Decode("m.yaml", []byte(manifests))
	if err != nil {
		t.Fatal(err)
	}
	ws := workloadsOf(fixtures.NewPlatform(objs))
	if len(ws) != 1 {
		t.Fatalf("%d workloads", len(ws))
	}
	return newRegionModel(topo(t, zones, nodes, gpus), "r1", ws[0])
}

// TestZoneLoss pins the scheduler model: what runs at once and after
// rescheduling when zone r1-a fails.
func TestZoneLoss(t *testing.T) {
	cases := []struct {
		name                 string
		manifests            string
		zones, nodes, gpus   int
		before               []int
		immediate, recovered int
		capacityOnly         int
	}{
		{"DoNotSchedule keeps the lost zone as a domain", workloadYAML, 2, 3, 8, []int{3, 3}, 3, 3, 6},
		{"Honor drops the tainted zone", with(t, workloadYAML, dns, honor), 2, 3, 8, []int{3, 3}, 3, 6, 6},
		{"ScheduleAnyway", with(t, workloadYAML, "DoNotSchedule", "ScheduleAnyway"), 2, 3, 8, []int{3, 3}, 3, 6, 6},
		{"three zones", workloadYAML, 3, 3, 8, []int{2, 2, 2}, 4, 4, 6},
		{"three zones, Honor", with(t, workloadYAML, dns, honor), 3, 3, 8, []int{2, 2, 2}, 4, 6, 6},
		{"minDomains keeps skew against zero", with(t, workloadYAML, dns, honor+"        minDomains: 3\n"), 3, 3, 8, []int{2, 2, 2}, 4, 4, 6},
		{"capacity bound", with(t, workloadYAML, dns, honor, "replicas: 6", "replicas: 7"), 2, 1, 4, []int{4, 3}, 3, 4, 4},
		{"odd replicas", with(t, workloadYAML, "replicas: 6", "replicas: 5"), 2, 3, 8, []int{3, 2}, 2, 2, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := modelOf(t, c.manifests, c.zones, c.nodes, c.gpus)
			l := m.loseZone(0)
			if !slices.Equal(l.before, c.before) || l.immediate != c.immediate || l.recovered != c.recovered || l.capacityOnly != c.capacityOnly {
				t.Errorf("before %v immediate %d recovered %d capacityOnly %d, want %v %d %d %d",
					l.before, l.immediate, l.recovered, l.capacityOnly, c.before, c.immediate, c.recovered, c.capacityOnly)
			}
		})
	}
}

func TestZoneDrain(t *testing.T) {
	cases := []struct {
		name                   string
		manifests              string
		need                   int
		evicted, left, pending int
	}{
		{"reference: third eviction refused", workloadYAML, 4, 2, 1, 2},
		{"Honor drains", with(t, workloadYAML, dns, honor), 4, 3, 0, 0},
		{"no budget at all", workloadYAML, 6, 0, 3, 0},
		{"small minimum drains even with DoNotSchedule", workloadYAML, 3, 3, 0, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := modelOf(t, c.manifests, 2, 3, 8).drainZone(0, c.need)
			if d.evicted != c.evicted || d.left != c.left || d.pending != c.pending {
				t.Errorf("evicted %d left %d pending %d, want %d %d %d", d.evicted, d.left, d.pending, c.evicted, c.left, c.pending)
			}
		})
	}
}
