package measure

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework/load"
)

// DefaultFaultPhase is the phase whose mark is the fault injection.
const DefaultFaultPhase = "fault"

// RTOResult is the recovery of one fault, as measured from the load.
type RTOResult struct {
	Objective Objective `json:"objective"`
	// FaultPhase is the mark the fault instant came from; Fault is that
	// instant and FaultOffset its offset in the timeline.
	FaultPhase  string        `json:"faultPhase"`
	Fault       time.Time     `json:"fault"`
	FaultOffset time.Duration `json:"faultOffset"`
	// Impacted: some request sent after the fault failed. Detection is the
	// time from the fault to the first of them.
	Impacted  bool          `json:"impacted"`
	Detection time.Duration `json:"detection"`
	// Recovered: a stable run was seen. RTO is from the fault to the recovery
	// instant (RecoveredOffset); DeclaredOffset is when the stability window
	// after it had passed. Not recovered: RTO is a lower bound, up to the end
	// of the timeline, and Reason says why.
	Recovered       bool          `json:"recovered"`
	RTO             time.Duration `json:"rto"`
	RecoveredOffset time.Duration `json:"recoveredOffset"`
	DeclaredOffset  time.Duration `json:"declaredOffset"`
	Reason          string        `json:"reason,omitempty"`
	// Outage counts the requests of the buckets from the fault's to the
	// recovery instant's (to the end when not recovered).
	Outage load.Counts `json:"outage"`
	// Window is the span that decided the result: from the fault to the
	// declaration (or to the end of the timeline).
	Window Window `json:"window"`
	// Failover and FullCapacity are set when asked for (FailoverTo, WithCapacity).
	Failover     *FailoverResult `json:"failover,omitempty"`
	FullCapacity *CapacityResult `json:"fullCapacity,omitempty"`
	// Timeline is what was measured, for failure messages; not serialized.
	Timeline *load.Timeline `json:"-"`
}

// Option adds to an RTO measurement.
type Option func(*rtoOptions)

type rtoOptions struct {
	faultPhase string
	failover   *failoverSpec
	capacity   []CapacitySample
	hasCap     bool
}

type failoverSpec struct{ region, client string }

// FaultPhase names the phase whose first mark is the fault injection
// (default DefaultFaultPhase).
func FaultPhase(phase string) Option { return func(o *rtoOptions) { o.faultPhase = phase } }

// FailoverTo also measures the failover to region (see Failover), of every
// request or, when clientRegion is set, of that client region's requests.
func FailoverTo(region, clientRegion string) Option {
	return func(o *rtoOptions) { o.failover = &failoverSpec{region, clientRegion} }
}

// WithCapacity also measures the time to full capacity from samples.
func WithCapacity(samples []CapacitySample) Option {
	return func(o *rtoOptions) { o.capacity, o.hasCap = samples, true }
}

// RTO measures recovery from the fault marked in tl (see the package
// documentation for the definitions). Errors: an invalid objective or empty
// timeline (framework.ErrInvalid), no fault mark (framework.ErrNotFound).
func RTO(tl *load.Timeline, obj Objective, opts ...Option) (RTOResult, error) {
	o := rtoOptions{faultPhase: DefaultFaultPhase}
	for _, opt := range opts {
		opt(&o)
	}
	if err := obj.Validate(); err != nil {
		return RTOResult{}, err
	}
	f, err := faultOffset(tl, o.faultPhase)
	if err != nil {
		return RTOResult{}, err
	}
	r := RTOResult{Objective: obj, FaultPhase: o.faultPhase, Fault: tl.Start.Add(f), FaultOffset: f, Timeline: tl}
	measureRecovery(&r, tl, obj, f)
	if o.failover != nil {
		fo, err := failoverAt(tl, obj, f, o.failover.region, o.failover.client)
		if err != nil {
			return RTOResult{}, err
		}
		r.Failover = &fo
	}
	if o.hasCap {
		c := FullCapacity(o.capacity, r.Fault)
		r.FullCapacity = &c
	}
	return r, nil
}

func measureRecovery(r *RTOResult, tl *load.Timeline, obj Objective, f time.Duration) {
	s := series{tl, ratioJudge(globalCounts, load.Counts.SuccessRatio, obj.SuccessThreshold)}
	fb := tl.Index(f)
	if d, ok := firstFailureAfter(tl, f); ok {
		r.Impacted, r.Detection = true, d-f
	}
	stable := f + obj.StabilityWindow
	j, outage := s.first(fb, bad)
	if !outage {
		// The ratio never dropped: RTO 0, given the timeline shows the window.
		r.RecoveredOffset, r.DeclaredOffset = f, stable
		r.Window = Window{f, stable}
		if r.Recovered = tl.Duration >= stable; !r.Recovered {
			r.Reason = fmt.Sprintf("the timeline ends at %v, before the %v stability window after the fault at %v passed", tl.Duration, obj.StabilityWindow, f)
		}
		return
	}
	i, ok := s.stableRun(j+1, obj.StabilityWindow)
	if !ok {
		end := tl.Duration
		if end <= 0 {
			end = tl.End()
		}
		r.RTO, r.Window = end-f, Window{f, end}
		r.Outage = tl.Totals(f, end)
		r.Reason = fmt.Sprintf("the success ratio did not stay >= %v for %v after the first bad bucket at %v before the timeline ended at %v",
			obj.SuccessThreshold, obj.StabilityWindow, tl.Buckets[j].Offset, end)
		return
	}
	// Bucket i-1 is bad (its last failure is the last before the ratio held)
	// or empty (no evidence until the run's first bucket).
	rec := tl.Buckets[i].Offset
	if prev := &tl.Buckets[i-1]; prev.Sent > 0 {
		rec = prev.LastFailure
	}
	rec = max(rec, f)
	w := tl.BucketWidth
	r.Recovered, r.RTO, r.RecoveredOffset = true, rec-f, rec
	r.DeclaredOffset = tl.Buckets[i].Offset + time.Duration((obj.StabilityWindow+w-1)/w)*w
	r.Window = Window{f, r.DeclaredOffset}
	r.Outage = tl.Totals(f, rec+1)
}

// firstFailureAfter returns the send offset of the first failed request at or
// after f (within f's bucket, the bucket's first failure if it is not before
// f, else its last).
func firstFailureAfter(tl *load.Timeline, f time.Duration) (time.Duration, bool) {
	for i := tl.Index(f); i < len(tl.Buckets); i++ {
		b := &tl.Buckets[i]
		switch {
		case b.Failures.Total() == 0 || b.LastFailure < f:
		case b.FirstFailure >= f:
			return b.FirstFailure, true
		default:
			return b.LastFailure, true
		}
	}
	return 0, false
}
