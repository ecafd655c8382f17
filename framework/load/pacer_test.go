package load

import (
	"math"
	"testing"
	"time"
)

func TestPacerSchedule(t *testing.T) {
	tests := []struct {
		name string
		p    rampPacer
	}{
		{"constant", rampPacer{rate: 250}},
		{"fractional", rampPacer{rate: 0.5}},
		{"ramp", rampPacer{rate: 400, ramp: 2 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			// at and expected are inverses: hit k is due when k hits are expected.
			for k := uint64(1); k < 2000; k += 7 {
				if e := p.expected(p.at(k)); math.Abs(e-float64(k)) > 1e-3 {
					t.Fatalf("expected(at(%d)) = %v", k, e)
				}
			}
			// Paced on time, the hits by 10 s are the integral of the rate.
			var hits uint64
			for elapsed := time.Duration(0); elapsed < 10*time.Second; hits++ {
				wait, stop := p.Pace(elapsed, hits)
				if stop || wait < 0 {
					t.Fatalf("Pace(%v, %d) = %v, %v", elapsed, hits, wait, stop)
				}
				elapsed += wait
			}
			want := p.rate*(10-p.ramp.Seconds()/2) + 1
			if math.Abs(float64(hits)-want) > 1.5 {
				t.Errorf("%d hits in 10s, want %.1f", hits, want)
			}
			if r := p.Rate(20 * time.Second); r != p.rate {
				t.Errorf("rate after the ramp = %v", r)
			}
		})
	}
}

// A pacer that fell far behind (workers blocked) skips the missed hits
// instead of sending them in a burst.
func TestPacerSkipsWhenFarBehind(t *testing.T) {
	p := &rampPacer{rate: 1000}
	// 5 s passed with only 100 hits sent: 4900 are missing.
	burst := 0
	hits := uint64(100)
	for {
		wait, _ := p.Pace(5*time.Second, hits)
		if wait > 0 {
			break
		}
		hits++
		burst++
	}
	if slack := int(p.slack()); burst > slack+1 {
		t.Errorf("sent a burst of %d hits at once, want at most one bucket's worth (%d)", burst, slack)
	}
	if p.skipped < 4700 {
		t.Errorf("skipped %d hits, want about 4800", p.skipped)
	}
}
