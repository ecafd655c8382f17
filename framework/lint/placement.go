package lint

import (
	"gameday.io/gameday/framework/topology"
)

// regionModel is one region's zones as one workload's pods see them. It
// replays, zone by zone, what kube-scheduler decides pod by pod: a pod goes to
// a zone with free capacity that passes every DoNotSchedule zone spread
// constraint, preferring the zone with the fewest pods (which is also what the
// ScheduleAnyway scoring prefers).
//
// Spread semantics follow kube-scheduler's PodTopologySpread plugin: a zone is
// a domain when it has a node matching the pod's node selector; a zone whose
// nodes are down (NotReady, or cordoned for a drain) keeps its Node objects
// and taints, so it stays a domain unless the constraint sets
// nodeTaintsPolicy: Honor; terminating pods are not counted; skew is
// count(zone)+1-min(count over domains), and min is 0 when fewer domains than
// minDomains exist.
type regionModel struct {
	name     string
	zones    []string
	capacity []int  // pods of the shape that fit in each zone
	eligible []bool // the zone has a node matching the pod's node selector
	w        *workload
}

func newRegionModel(t *topology.Topology, region string, w *workload) *regionModel {
	m := &regionModel{name: region, w: w}
	idx := map[string]int{}
	for _, n := range t.Nodes(region) {
		i, ok := idx[n.Zone]
		if !ok {
			i = len(m.zones)
			idx[n.Zone] = i
			m.zones = append(m.zones, n.Zone)
			m.capacity = append(m.capacity, 0)
			m.eligible = append(m.eligible, false)
		}
		fit := w.shape.perNode(n)
		m.capacity[i] += fit
		if w.shape.nodeSelectorMatches(n) {
			m.eligible[i] = true
		}
	}
	return m
}

func (s podShape) nodeSelectorMatches(n topology.Node) bool {
	l := n.Labels()
	for k, v := range s.nodeSelector {
		if l[k] != v {
			return false
		}
	}
	return true
}

// state is where the pods are and which zones are down.
type state struct {
	counts []int
	down   []bool
}

func (m *regionModel) fresh() state {
	return state{counts: make([]int, len(m.zones)), down: make([]bool, len(m.zones))}
}

func (s state) clone() state {
	return state{counts: append([]int(nil), s.counts...), down: append([]bool(nil), s.down...)}
}

func (s state) total() int {
	n := 0
	for _, c := range s.counts {
		n += c
	}
	return n
}

// place schedules up to n pods into st and returns how many found a zone.
// With spread false the DoNotSchedule constraints are ignored (capacity only).
func (m *regionModel) place(st state, n int, spread bool) int {
	placed := 0
	for ; placed < n; placed++ {
		best := -1
		for z := range m.zones {
			if st.down[z] || st.counts[z] >= m.capacity[z] || (spread && !m.skewAllows(st, z)) {
				continue
			}
			if best < 0 || st.counts[z] < st.counts[best] {
				best = z
			}
		}
		if best < 0 {
			break
		}
		st.counts[best]++
	}
	return placed
}

// skewAllows applies every DoNotSchedule zone constraint to one more pod in z.
func (m *regionModel) skewAllows(st state, z int) bool {
	for _, c := range m.w.spread {
		if !c.hard {
			continue
		}
		minCount, domains := -1, 0
		for d := range m.zones {
			if !m.eligible[d] || (st.down[d] && c.honorTaints) {
				continue
			}
			domains++
			if minCount < 0 || st.counts[d] < minCount {
				minCount = st.counts[d]
			}
		}
		if minCount < 0 || domains < c.minDomains {
			minCount = 0
		}
		if st.counts[z]+1-minCount > c.maxSkew {
			return false
		}
	}
	return true
}

// steady places the workload's replicas with every zone up.
func (m *regionModel) steady() state {
	st := m.fresh()
	m.place(st, m.w.replicas, true)
	return st
}

// zoneLoss is what happens to a workload when one zone of a region fails.
type zoneLoss struct {
	region, zone string
	before       []int // pods per zone before
	lost         int   // pods that were in the zone
	immediate    int   // pods left running at once
	recovered    int   // pods running once replacements are scheduled
	capacityOnly int   // what recovery would reach if spread were not enforced
}

func (m *regionModel) loseZone(z int) zoneLoss {
	st := m.steady()
	l := zoneLoss{region: m.name, zone: m.zones[z], before: append([]int(nil), st.counts...), lost: st.counts[z]}
	st.counts[z], st.down[z] = 0, true
	l.immediate = st.total()
	l.recovered = l.immediate + m.place(st.clone(), l.lost, true)
	l.capacityOnly = l.immediate + m.place(st.clone(), l.lost, false)
	return l
}

// worstZoneLoss is the zone loss that leaves the fewest pods running after
// recovery (then at once); ok is false when the region has a single zone.
func (m *regionModel) worstZoneLoss() (zoneLoss, bool) {
	var worst zoneLoss
	if len(m.zones) < 2 {
		return worst, false
	}
	for z := range m.zones {
		l := m.loseZone(z)
		if z == 0 || l.recovered < worst.recovered || (l.recovered == worst.recovered && l.immediate < worst.immediate) {
			worst = l
		}
	}
	return worst, true
}

// zoneDrain is the outcome of evicting every pod of one zone through the
// Eviction API, one at a time, with the zone cordoned.
type zoneDrain struct {
	region, zone string
	before       []int
	evicted      int // evictions the PDB allowed
	left         int // pods still in the zone when the PDB refused (0: drained)
	pending      int // replacements that could not be scheduled
}

// drainZone evicts while the PDB allows: desiredHealthy is the PDB's
// minimum of healthy pods. Replacements are scheduled after each eviction
// and count as healthy once placed (readiness time is not modelled).
func (m *regionModel) drainZone(z, desiredHealthy int) zoneDrain {
	st := m.steady()
	d := zoneDrain{region: m.name, zone: m.zones[z], before: append([]int(nil), st.counts...)}
	st.down[z] = true
	healthy := st.total()
	for st.counts[z] > 0 && healthy-1 >= desiredHealthy {
		st.counts[z]--
		healthy--
		d.evicted++
		d.pending++
		placed := m.place(st, d.pending, true)
		healthy += placed
		d.pending -= placed
	}
	d.left = st.counts[z]
	return d
}
