package measure

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/load/synth"
)

func TestRTO(t *testing.T) {
	// 100 requests/s: one every 10 ms, so the last failure before a
	// recovery at X was sent at X-10ms.
	tests := []struct {
		name      string
		fault     time.Duration
		outcome   func(string, time.Duration) synth.Outcome
		rate      float64
		duration  time.Duration
		recovered bool
		impacted  bool
		rto       time.Duration
		detection time.Duration
		// outages and relapses are checked when outages > 0; reason when set.
		outages, relapses int
		reason            string
	}{
		{name: "no failure", fault: 3 * sec, outcome: failing("us-east1"),
			recovered: true, rto: 0},
		{name: "two seconds down", fault: 3 * sec, outcome: failing("us-east1", span(3*sec, 5*sec)),
			recovered: true, impacted: true, rto: ms(1990)},
		{name: "fault mid-bucket", fault: ms(3050), outcome: failing("us-east1", span(ms(3050), ms(4550))),
			recovered: true, impacted: true, rto: ms(1490)},
		{name: "impact 1.2 s after the fault", fault: 3 * sec, outcome: failing("us-east1", span(ms(4200), 6*sec)),
			recovered: true, impacted: true, rto: ms(2990), detection: ms(1200)},
		{name: "impact later than a stability window", fault: 3 * sec, outcome: failing("us-east1", span(ms(5500), ms(6500))),
			recovered: true, impacted: true, rto: ms(3490), detection: ms(2500)},
		{name: "flapping: a good spell shorter than the window", fault: 3 * sec,
			outcome:   failing("us-east1", span(3*sec, 4*sec), span(ms(4500), 5*sec)),
			recovered: true, impacted: true, rto: ms(1990)},
		{name: "a blip within the threshold", fault: 3 * sec, rate: 1000,
			outcome:   failing("us-east1", span(ms(3500), ms(3501))),
			recovered: true, impacted: true, rto: 0, detection: ms(500)},
		{name: "never recovers", fault: 3 * sec, outcome: failing("us-east1", span(3*sec, 20*sec)),
			impacted: true, rto: 7 * sec},
		{name: "recovers too close to the end", fault: 3 * sec, outcome: failing("us-east1", span(3*sec, ms(9500))),
			impacted: true, rto: 7 * sec},
		{name: "no failure but the run ends within the window", fault: ms(9500), outcome: failing("us-east1"),
			rto: 0},
		{name: "failures before the fault do not count", fault: 3 * sec, outcome: failing("us-east1", span(sec, 2*sec)),
			recovered: true, rto: 0},
		{name: "a relapse after a clean stretch longer than the window", fault: 3 * sec,
			outcome:   failing("us-east1", span(3*sec, 4*sec), span(ms(5500), ms(6500))),
			recovered: true, impacted: true, rto: ms(3490), outages: 2, relapses: 1},
		{name: "a relapse after exactly the window", fault: 3 * sec,
			outcome:   failing("us-east1", span(3*sec, 4*sec), span(5*sec, 6*sec)),
			recovered: true, impacted: true, rto: ms(2990), outages: 2, relapses: 1},
		{name: "relapses until the end", fault: 3 * sec,
			outcome:  failing("us-east1", span(3*sec, 4*sec), span(ms(6200), 20*sec)),
			impacted: true, rto: 7 * sec, outages: 2, relapses: 1,
			reason: "the success ratio fell below 0.99 again at +3.2 s after the fault (relapse 1, after 2.2 s at or above it) and had not recovered when the observation ended at +7.0 s"},
		{name: "flaps until the end", fault: 3 * sec, outcome: flapping(3*sec, ms(300)),
			impacted: true, rto: 7 * sec, outages: 1, relapses: 0,
			reason: "the success ratio fell below 0.99 at +0.0 s after the fault and did not stay at or above it for 1s before the observation ended at +7.0 s"},
		{name: "one outage, then a clean end", fault: 3 * sec, outcome: failing("us-east1", span(4*sec, 5*sec)),
			recovered: true, impacted: true, rto: ms(1990), detection: sec, outages: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rate, d := tt.rate, tt.duration
			if rate == 0 {
				rate = 100
			}
			if d == 0 {
				d = 10 * sec
			}
			tl := synth.Synthesize(rate, d, marks(tt.fault), nil, tt.outcome)
			r, err := RTO(tl, objective())
			if err != nil {
				t.Fatal(err)
			}
			if r.Recovered != tt.recovered || r.Impacted != tt.impacted || r.RTO != tt.rto || r.Detection != tt.detection {
				t.Errorf("recovered %v impacted %v RTO %v detection %v, want %v %v %v %v (reason %q)",
					r.Recovered, r.Impacted, r.RTO, r.Detection, tt.recovered, tt.impacted, tt.rto, tt.detection, r.Reason)
			}
			if !r.Recovered && r.Reason == "" {
				t.Error("no reason given for not recovering")
			}
			if tt.reason != "" && r.Reason != tt.reason {
				t.Errorf("reason %q\nwant   %q", r.Reason, tt.reason)
			}
			if tt.outages > 0 && (len(r.Outages) != tt.outages || r.Relapses != tt.relapses) {
				t.Errorf("%d outages, %d relapses, want %d, %d: %+v", len(r.Outages), r.Relapses, tt.outages, tt.relapses, r.Outages)
			}
			if !tt.impacted && len(r.Outages) != 0 {
				t.Errorf("outages without impact: %+v", r.Outages)
			}
			if n := len(r.Outages); n > 0 && r.Recovered && r.RecoveredOffset != r.Outages[n-1].To {
				t.Errorf("recovered at %v, the last outage ends at %v", r.RecoveredOffset, r.Outages[n-1].To)
			}
			if r.Recovered && r.DeclaredOffset < r.RecoveredOffset+objective().StabilityWindow-tl.BucketWidth {
				t.Errorf("declared at %v, recovered at %v: the stability window did not pass", r.DeclaredOffset, r.RecoveredOffset)
			}
		})
	}
}

// flapping fails for period, serves for period, from from to the end.
func flapping(from, period time.Duration) func(string, time.Duration) synth.Outcome {
	return func(_ string, at time.Duration) synth.Outcome {
		if at >= from && (at-from)/period%2 == 0 {
			return synth.Status(http.StatusServiceUnavailable)
		}
		return synth.OK("us-east1")
	}
}

// Every outage is reported with its window, its requests and whether it was
// a relapse; the RTO is the end of the last one.
func TestRTOOutages(t *testing.T) {
	tl := synth.Synthesize(100, 10*sec, marks(3*sec, load.Mark{Phase: "recovery", Offset: 5 * sec}), nil,
		failing("us-east1", span(3*sec, 4*sec), span(ms(4300), ms(4500)), span(6*sec, ms(7500))))
	r, err := RTO(tl, objective())
	if err != nil {
		t.Fatal(err)
	}
	// The 4.3-4.5 s failures follow the first outage by less than the
	// stability window: the same outage, no relapse.
	want := []Outage{
		{From: 3 * sec, To: ms(4490), Ended: true, Phase: "fault", Sent: 150, Failed: 120},
		{From: 6 * sec, To: ms(7490), Ended: true, Phase: "recovery", Sent: 150, Failed: 150, Relapse: true, Clean: ms(1510)},
	}
	if len(r.Outages) != len(want) {
		t.Fatalf("outages %+v, want %+v", r.Outages, want)
	}
	for i, w := range want {
		if r.Outages[i] != w {
			t.Errorf("outage %d: %+v, want %+v", i, r.Outages[i], w)
		}
	}
	if !r.Recovered || r.RTO != ms(4490) || r.Relapses != 1 || r.Outage.Failures.Total() != 270 || r.Window != (Window{3 * sec, 10 * sec}) {
		t.Errorf("recovered %v RTO %v relapses %d failed %d window %+v", r.Recovered, r.RTO, r.Relapses, r.Outage.Failures.Total(), r.Window)
	}
	if d := r.Outages[1].Duration(); d != ms(1490) {
		t.Errorf("second outage lasted %v", d)
	}
}

// When the attackers sent nothing just before the recovery (blocked on a
// hanging target), recovery counts from the first evidence, not from the last
// failure before the gap.
func TestRTOGapBeforeRecovery(t *testing.T) {
	outcome := func(_ string, at time.Duration) synth.Outcome {
		if at >= 3*sec && at < ms(3200) {
			return synth.Outcome{Err: "context deadline exceeded (Client.Timeout exceeded)", Latency: 2 * sec}
		}
		return synth.OK("us-east1")
	}
	tl := synth.Synthesize(100, 10*sec, marks(3*sec), nil, outcome)
	// Nothing was sent from 3.2 s to 6 s.
	for i := range tl.Buckets {
		if b := &tl.Buckets[i]; b.Offset >= ms(3200) && b.Offset < 6*sec {
			*b = load.Bucket{Offset: b.Offset, Phase: b.Phase}
		}
	}
	r, err := RTO(tl, objective())
	if err != nil {
		t.Fatal(err)
	}
	if !r.Recovered || r.RTO != 3*sec {
		t.Errorf("RTO %v (recovered %v), want 3s: the first success after the gap", r.RTO, r.Recovered)
	}
}

func TestRTOWithFailoverAndCapacity(t *testing.T) {
	// us-east1 dies at 3 s; requests fail until 4.5 s, then europe-west1 serves.
	outcome := func(_ string, at time.Duration) synth.Outcome {
		switch {
		case at < 3*sec:
			return synth.OK("us-east1")
		case at < ms(4500):
			return synth.Refused
		}
		return synth.OK("europe-west1")
	}
	tl := synth.Synthesize(100, 10*sec, marks(3*sec), nil, outcome)
	fault := tl.Start.Add(3 * sec)
	samples := []CapacitySample{{fault.Add(-sec), 6, 6}, {fault.Add(ms(10)), 3, 6}, {fault.Add(4 * sec), 6, 6}}
	r, err := RTO(tl, objective(), FailoverTo("europe-west1", ""), WithCapacity(samples))
	if err != nil {
		t.Fatal(err)
	}
	if r.RTO != ms(1490) || r.Failover == nil || !r.Failover.FailedOver || r.Failover.Time != ms(1500) ||
		r.FullCapacity == nil || r.FullCapacity.Time != 4*sec || r.Outage.Failures.Refused != 150 {
		t.Errorf("RTO %v, failover %+v, capacity %+v, outage %+v", r.RTO, r.Failover, r.FullCapacity, r.Outage)
	}
}

func TestRTOErrors(t *testing.T) {
	tl := synth.Synthesize(100, 2*sec, marks(sec), nil, failing("us-east1"))
	if _, err := RTO(tl, objective(), FaultPhase("zone-outage")); !errors.Is(err, framework.ErrNotFound) || !strings.Contains(err.Error(), "zone-outage") {
		t.Errorf("missing mark: %v", err)
	}
	if _, err := RTO(nil, objective()); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("nil timeline: %v", err)
	}
	bad := objective()
	bad.StabilityWindow = 0
	if _, err := RTO(tl, bad); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "stabilityWindow") {
		t.Errorf("bad objective: %v", err)
	}
	if _, err := RTO(tl, objective(), FailoverTo("", "")); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("failover to no region: %v", err)
	}
}

func TestObjective(t *testing.T) {
	to, err := framework.TimeoutsFor(framework.ProfileFast)
	if err != nil {
		t.Fatal(err)
	}
	o := NewCriteria(to)
	if err := o.Validate(); err != nil || o.StabilityWindow != to.StabilityWindow || o.RTO != 30*time.Minute {
		t.Errorf("NewCriteria = %+v, %v", o, err)
	}
	for _, mutate := range []func(*Criteria){
		func(o *Criteria) { o.SuccessThreshold = 0 },
		func(o *Criteria) { o.SuccessThreshold = 1.01 },
		func(o *Criteria) { o.FailoverShare = -1 },
		func(o *Criteria) { o.StabilityWindow = -sec },
		func(o *Criteria) { o.RTO = -sec },
	} {
		bad := o
		mutate(&bad)
		if err := bad.Validate(); !errors.Is(err, framework.ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
