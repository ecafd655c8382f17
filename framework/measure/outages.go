package measure

import (
	"time"

	"gameday.io/gameday/framework/load"
)

// Outage is one span, at or after the fault, during which the success ratio
// was below the objective's threshold, with no stable run inside it (bad
// buckets separated by good spells shorter than the stability window belong
// to one outage). From and To are timeline offsets, like RTOResult's.
type Outage struct {
	// From is the send offset of its first failed request (not before the
	// fault); To is the recovery instant after it, exact as the RTO's (the
	// last failed request before the stable run, or the first evidence after a
	// gap), or the end of the observation when it had not ended (Ended false).
	From  time.Duration `json:"from"`
	To    time.Duration `json:"to"`
	Ended bool          `json:"ended"`
	// Phase is the phase of its first bucket (the fault's, or a later one).
	Phase string `json:"phase"`
	// Sent and Failed count the requests of its buckets, first bad to last.
	Sent   int `json:"sent"`
	Failed int `json:"failed"`
	// Relapse: the outage came after a clean stretch of at least the
	// stability window (one a stability-window definition would have declared
	// a recovery); Clean is that stretch, from the previous outage's To.
	Relapse bool          `json:"relapse,omitempty"`
	Clean   time.Duration `json:"clean,omitempty"`
}

// Duration is To - From.
func (o Outage) Duration() time.Duration { return o.To - o.From }

// outageScan is the result of scanning a series for outages.
type outageScan struct {
	outages []Outage
	// final is the index of the stable run after the last outage when it
	// held to the end of the observation (recovered), else -1.
	final int
}

// scanOutages finds every outage from bucket fb (the fault's) on. f is the
// fault offset, end the end of the observation.
func scanOutages(s series, fb int, f, end, window time.Duration) outageScan {
	tl := s.tl
	sc := outageScan{final: -1}
	j, ok := s.first(fb, bad)
	for ok {
		o := Outage{From: max(tl.Buckets[j].FirstFailure, f), Phase: tl.Buckets[j].Phase}
		if n := len(sc.outages); n > 0 {
			prev := sc.outages[n-1]
			o.Relapse, o.Clean = true, o.From-prev.To
		}
		run, stable := s.stableRun(j+1, window)
		last := len(tl.Buckets) - 1
		if stable {
			last = lastBad(s, j, run)
			o.To, o.Ended = recoveryInstant(tl, run, f), true
		} else {
			o.To = end
		}
		c := sumBuckets(tl.Buckets[j : last+1])
		o.Sent, o.Failed = c.Sent, c.Failures.Total()
		sc.outages = append(sc.outages, o)
		if !stable {
			return sc
		}
		if j, ok = s.first(run, bad); !ok {
			sc.final = run
		}
	}
	return sc
}

// recoveryInstant is the instant a stable run starting at bucket i shows:
// bucket i-1 is bad (its last failure is the last before the ratio held) or
// empty (no evidence until the run's first bucket). Never before f.
func recoveryInstant(tl *load.Timeline, i int, f time.Duration) time.Duration {
	rec := tl.Buckets[i].Offset
	if prev := &tl.Buckets[i-1]; prev.Sent > 0 {
		rec = prev.LastFailure
	}
	return max(rec, f)
}

// lastBad returns the index of the last bad bucket in [from, to); from is bad.
func lastBad(s series, from, to int) int {
	for i := to - 1; i > from; i-- {
		if s.judge(&s.tl.Buckets[i]) == bad {
			return i
		}
	}
	return from
}

func sumBuckets(bs []load.Bucket) load.Counts {
	var c load.Counts
	for i := range bs {
		c.Add(bs[i].Counts)
	}
	return c
}
