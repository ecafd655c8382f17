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
	Criteria Criteria `json:"objective"`
	// FaultPhase is the mark the fault instant came from; Fault is that
	// instant and FaultOffset its offset in the timeline.
	FaultPhase  string        `json:"faultPhase"`
	Fault       time.Time     `json:"fault"`
	FaultOffset time.Duration `json:"faultOffset"`
	// Impacted: some request sent after the fault failed. Detection is the
	// time from the fault to the first of them.
	Impacted  bool          `json:"impacted"`
	Detection time.Duration `json:"detection"`
	// Recovered: after the last outage the success ratio stayed at or above
	// the threshold to the end of the observation (the end of the timeline),
	// for at least the stability window. RTO is from the fault to the end of
	// the last outage (RecoveredOffset); DeclaredOffset is when the stability
	// window after it had passed. Not recovered: RTO is a lower bound, up to
	// the end of the timeline, and Reason says why.
	Recovered       bool          `json:"recovered"`
	RTO             time.Duration `json:"rto"`
	RecoveredOffset time.Duration `json:"recoveredOffset"`
	DeclaredOffset  time.Duration `json:"declaredOffset"`
	Reason          string        `json:"reason,omitempty"`
	// Outage counts the requests of the buckets from the fault's to the
	// recovery instant's (to the end when not recovered): every outage.
	Outage load.Counts `json:"outage"`
	// Outages are the outage windows from the fault to the end of the
	// observation, in order; Relapses counts those that came after a clean
	// stretch of at least the stability window.
	Outages  []Outage `json:"outages,omitempty"`
	Relapses int      `json:"relapses"`
	// Window is the span that decided the result: from the fault to the end
	// of the observation.
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

// RTO measures recovery from the fault marked in tl. It finds every outage
// from the fault to the end of the timeline (the observation: the fault and
// the recovery window after it): bad buckets, merged while the good spells
// between them are shorter than a stable run (see the package
// documentation). An outage after a stable run is a relapse. The service
// recovered when a stable run follows the last outage and nothing fails the
// threshold after it until the end; the RTO is the end of the last outage
// (exact to the request, as the package documentation says of the recovery
// instant). No bad bucket after the fault: RTO 0. A service that never stays
// recovered has no RTO: Recovered is false, RTO is the lower bound to the
// end, and Reason says when the ratio last fell. Errors: an invalid objective or empty
// timeline (framework.ErrInvalid), no fault mark (framework.ErrNotFound).
func RTO(tl *load.Timeline, obj Criteria, opts ...Option) (RTOResult, error) {
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
	r := RTOResult{Criteria: obj, FaultPhase: o.faultPhase, Fault: tl.Start.Add(f), FaultOffset: f, Timeline: tl}
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

func measureRecovery(r *RTOResult, tl *load.Timeline, obj Criteria, f time.Duration) {
	s := series{tl, ratioJudge(globalCounts, load.Counts.SuccessRatio, obj.SuccessThreshold)}
	fb := tl.Index(f)
	if d, ok := firstFailureAfter(tl, f); ok {
		r.Impacted, r.Detection = true, d-f
	}
	end := tl.Duration
	if end <= 0 {
		end = tl.End()
	}
	r.Window = Window{f, end}
	stable := f + obj.StabilityWindow
	sc := scanOutages(s, fb, f, end, obj.StabilityWindow)
	if len(sc.outages) == 0 {
		// The ratio never dropped: RTO 0, given the timeline shows the window.
		r.RecoveredOffset, r.DeclaredOffset = f, stable
		if r.Recovered = end >= stable; !r.Recovered {
			r.Reason = fmt.Sprintf("the observation ended at %s, before the %v stability window after the fault had passed",
				after(f, end), obj.StabilityWindow)
		}
		return
	}
	r.Outages = sc.outages
	for _, o := range sc.outages {
		if o.Relapse {
			r.Relapses++
		}
	}
	last := sc.outages[len(sc.outages)-1]
	if sc.final < 0 {
		r.RTO, r.Outage = end-f, tl.Totals(f, end)
		r.Reason = notRecovered(sc.outages, obj, f, end)
		return
	}
	w := tl.BucketWidth
	rec := last.To
	r.Recovered, r.RTO, r.RecoveredOffset = true, rec-f, rec
	r.DeclaredOffset = tl.Buckets[sc.final].Offset + time.Duration((obj.StabilityWindow+w-1)/w)*w
	r.Outage = tl.Totals(f, rec+1)
}

// notRecovered says why the last outage had not ended by the end of the
// observation.
func notRecovered(outs []Outage, obj Criteria, f, end time.Duration) string {
	last := outs[len(outs)-1]
	if last.Relapse {
		return fmt.Sprintf("the success ratio fell below %v again at %s after the fault (relapse %d, after %s at or above it) and had not recovered when the observation ended at %s",
			obj.SuccessThreshold, after(f, last.From), len(outs)-1, secs(last.Clean), after(f, end))
	}
	return fmt.Sprintf("the success ratio fell below %v at %s after the fault and did not stay at or above it for %v before the observation ended at %s",
		obj.SuccessThreshold, after(f, last.From), obj.StabilityWindow, after(f, end))
}

// after formats offset as seconds after the fault at f: "+41.2 s".
func after(f, offset time.Duration) string { return "+" + secs(offset-f) }

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

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
