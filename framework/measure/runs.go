package measure

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/load"
)

// Window is a span of a timeline, [From, To) as offsets from its start.
type Window struct {
	From time.Duration `json:"from"`
	To   time.Duration `json:"to"`
}

// state is a bucket's verdict under a predicate.
type state int

const (
	empty state = iota // nothing was sent in it
	good
	bad
)

// series judges the buckets of a timeline with one predicate.
type series struct {
	tl    *load.Timeline
	judge func(*load.Bucket) state
}

// stableRun returns the first index i >= from where a stable run starts: bucket
// i is good and the buckets of the next window are good or empty, all ending
// within the timeline's duration.
func (s series) stableRun(from int, window time.Duration) (int, bool) {
	w := s.tl.BucketWidth
	k := int((window + w - 1) / w)
	complete := len(s.tl.Buckets)
	if s.tl.Duration > 0 {
		complete = min(complete, int(s.tl.Duration/w))
	}
	for i := from; i+k <= complete; {
		if s.judge(&s.tl.Buckets[i]) != good {
			i++
			continue
		}
		j := i + 1
		for j < i+k && s.judge(&s.tl.Buckets[j]) != bad {
			j++
		}
		if j == i+k {
			return i, true
		}
		i = j + 1 // bucket j is bad: no run can start at or before it
	}
	return 0, false
}

// first returns the first index >= from whose state is st.
func (s series) first(from int, st state) (int, bool) {
	for i := max(from, 0); i < len(s.tl.Buckets); i++ {
		if s.judge(&s.tl.Buckets[i]) == st {
			return i, true
		}
	}
	return 0, false
}

// ratioJudge judges a bucket by value(counts) >= threshold.
func ratioJudge(counts func(*load.Bucket) load.Counts, value func(load.Counts) float64, threshold float64) func(*load.Bucket) state {
	return func(b *load.Bucket) state {
		c := counts(b)
		switch {
		case c.Sent == 0:
			return empty
		case value(c) >= threshold:
			return good
		}
		return bad
	}
}

func globalCounts(b *load.Bucket) load.Counts { return b.Counts }

// faultOffset finds the fault instant: the first mark of phase.
func faultOffset(tl *load.Timeline, phase string) (time.Duration, error) {
	if tl == nil || len(tl.Buckets) == 0 {
		return 0, fmt.Errorf("measure: empty timeline: %w", framework.ErrInvalid)
	}
	if off, ok := tl.MarkOffset(phase); ok {
		return off, nil
	}
	var phases []string
	for _, m := range tl.Marks {
		phases = append(phases, m.Phase)
	}
	return 0, fmt.Errorf("measure: the timeline has no mark %q (marks: %v): %w", phase, phases, framework.ErrNotFound)
}
