package evidencetest

import (
	"math"
	"math/rand/v2"

	"gameday.io/gameday/framework/evidence"
)

// state is what the service looks like at one instant of a sample drill.
type state struct {
	success  float64            // probability a request succeeds
	p50, p99 float64            // latency in ms
	served   map[string]float64 // fraction of successful requests each region serves
	cause    string             // failure cause of failed requests
}

// shape gives the service's state at t seconds into the load.
type shape func(t float64) state

// timeline draws a deterministic noisy timeline of shape and sums its phases.
func timeline(drill int, seed uint64, f shape) (*evidence.Timeline, []evidence.PhaseLoad) {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	tl := &evidence.Timeline{Start: at(drill, 0), BucketSeconds: bucket, Regions: []string{Primary, DR}}
	phases := []evidence.PhaseLoad{
		{Phase: "baseline", FromSeconds: 0, ToSeconds: faultAt},
		{Phase: "fault", FromSeconds: faultAt, ToSeconds: revertAt},
		{Phase: "recovery", FromSeconds: revertAt, ToSeconds: duration},
	}
	sent := int(rate * bucket)
	for i := range int(duration / bucket) {
		t := float64(i) * bucket
		s := f(t)
		ok := 0
		for range sent {
			if rng.Float64() < s.success {
				ok++
			}
		}
		p := evidence.Point{
			T:       t,
			Sent:    sent,
			Success: round(float64(ok)/float64(sent), 4),
			P50Ms:   round(s.p50*(1+0.1*(rng.Float64()-0.5)), 1),
			P99Ms:   round(s.p99*(1+0.3*(rng.Float64()-0.5)), 1),
			Share:   map[string]float64{},
		}
		for _, r := range tl.Regions {
			p.Share[r] = round(s.served[r]*float64(ok)/float64(sent), 4)
		}
		tl.Points = append(tl.Points, p)
		ph := &phases[phaseOf(t)]
		ph.Sent += sent
		ph.OK += ok
		if ok < sent {
			if ph.Failures == nil {
				ph.Failures = map[string]int{}
			}
			ph.Failures[s.cause] += sent - ok
		}
		if ph.Regions == nil {
			ph.Regions = map[string]int{}
		}
		for r, frac := range s.served {
			ph.Regions[r] += int(math.Round(frac * float64(ok)))
		}
		ph.P50Ms += p.P50Ms / (float64(phaseLen(phaseOf(t))) / bucket)
		ph.P99Ms = max(ph.P99Ms, p.P99Ms)
	}
	for i := range phases {
		ph := &phases[i]
		ph.P50Ms = round(ph.P50Ms, 1)
		if ph.Sent > 0 {
			ph.ErrorRatio = round(float64(ph.Sent-ph.OK)/float64(ph.Sent), 4)
		}
	}
	return tl, phases
}

func phaseOf(t float64) int {
	switch {
	case t < faultAt:
		return 0
	case t < revertAt:
		return 1
	}
	return 2
}

func phaseLen(i int) float64 {
	return []float64{faultAt, revertAt - faultAt, duration - revertAt}[i]
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// ramp goes linearly from a to b as t goes from t0 to t1.
func ramp(t, t0, t1, a, b float64) float64 {
	switch {
	case t <= t0:
		return a
	case t >= t1:
		return b
	}
	return a + (b-a)*(t-t0)/(t1-t0)
}

func primaryOnly() map[string]float64 { return map[string]float64{Primary: 1} }
