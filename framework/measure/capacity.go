package measure

import (
	"fmt"
	"sort"
	"time"
)

// CapacitySample is a Deployment's Ready replicas against its desired count
// at an instant.
type CapacitySample struct {
	At      time.Time `json:"at"`
	Ready   int       `json:"ready"`
	Desired int       `json:"desired"`
}

// CapacityResult is how long Ready replicas took to be back at the desired count.
type CapacityResult struct {
	// Dipped: Ready fell below Desired at or after the fault. MinReady is the
	// lowest Ready seen from the fault on, at MinAt.
	Dipped   bool      `json:"dipped"`
	MinReady int       `json:"minReady"`
	MinAt    time.Time `json:"minAt"`
	// Restored: Ready was back at Desired after the dip (or never dipped);
	// Time is from the fault to RestoredAt (0 without a dip).
	Restored   bool          `json:"restored"`
	Time       time.Duration `json:"time"`
	RestoredAt time.Time     `json:"restoredAt"`
	Reason     string        `json:"reason,omitempty"`
}

// FullCapacity measures the time to full capacity after fault from samples
// (in any order). The state at the fault is the last sample at or before it.
func FullCapacity(samples []CapacitySample, fault time.Time) CapacityResult {
	s := append([]CapacitySample(nil), samples...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].At.Before(s[j].At) })
	first := sort.Search(len(s), func(i int) bool { return s[i].At.After(fault) })
	if first > 0 {
		first-- // the state in effect at the fault
	}
	s = s[first:]
	if len(s) == 0 {
		return CapacityResult{Reason: "no capacity samples"}
	}
	r := CapacityResult{MinReady: s[0].Ready, MinAt: s[0].At}
	for _, c := range s {
		if c.Ready < r.MinReady {
			r.MinReady, r.MinAt = c.Ready, c.At
		}
		switch {
		case !r.Dipped && c.Ready < c.Desired:
			r.Dipped = true
		case r.Dipped && c.Ready >= c.Desired && !r.Restored:
			r.Restored, r.RestoredAt = true, c.At
			r.Time = c.At.Sub(fault)
		}
	}
	if !r.Dipped {
		r.Restored, r.RestoredAt = true, fault
		return r
	}
	if !r.Restored {
		last := s[len(s)-1]
		r.Time = last.At.Sub(fault)
		r.Reason = fmt.Sprintf("%d of %d replicas Ready at the last sample, %v after the fault", last.Ready, last.Desired, r.Time)
	}
	return r
}
