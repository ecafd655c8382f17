package load

import "time"

// phaseAt is the phase in effect just before offset at.
func phaseAt(marks []Mark, at time.Duration) string {
	p := marks[0].Phase
	for _, m := range marks[1:] {
		if m.Offset >= at {
			break
		}
		p = m.Phase
	}
	return p
}

type phaseAcc struct {
	PhaseSummary
	hist histogram
}

// mergePhases folds runs of the same phase (baseline, fault, baseline) into one
// summary per phase, spanning from its first bucket to its last.
func mergePhases(runs []*phaseAcc) []PhaseSummary {
	var out []*phaseAcc
	byName := map[string]*phaseAcc{}
	for _, r := range runs {
		if p, ok := byName[r.Phase]; ok {
			p.Add(r.Counts)
			p.hist.merge(&r.hist)
			p.To = r.To
			continue
		}
		byName[r.Phase] = r
		out = append(out, r)
	}
	sums := make([]PhaseSummary, len(out))
	for i, p := range out {
		p.Latency = p.hist.latency()
		sums[i] = p.PhaseSummary
	}
	return sums
}
