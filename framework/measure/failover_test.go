package measure

import (
	"testing"
	"time"

	"gameday.io/gameday/framework/load/synth"
)

func TestFailover(t *testing.T) {
	// switchAt returns outcomes served by us-east1, then by europe-west1 from at on,
	// for the client regions in moved (all when empty).
	switchAt := func(at time.Duration, moved ...string) func(string, time.Duration) synth.Outcome {
		return func(client string, sent time.Duration) synth.Outcome {
			movedClient := len(moved) == 0
			for _, m := range moved {
				movedClient = movedClient || m == client
			}
			if client == "europe-west1" {
				return synth.OK("europe-west1")
			}
			if movedClient && sent >= at {
				return synth.OK("europe-west1")
			}
			return synth.OK("us-east1")
		}
	}
	tests := []struct {
		name       string
		clients    []string
		client     string
		outcome    func(string, time.Duration) synth.Outcome
		failedOver bool
		time       time.Duration
		before     float64
	}{
		{name: "at a bucket boundary", outcome: switchAt(4 * sec), failedOver: true, time: sec},
		{name: "mid-bucket", outcome: switchAt(ms(4050)), failedOver: true, time: ms(1100)},
		{name: "never", outcome: switchAt(time.Hour), time: 7 * sec},
		{name: "only half the traffic moves", clients: []string{"us-east1", "europe-west1"}, outcome: switchAt(time.Hour),
			time: 7 * sec, before: 0.5},
		{name: "one client region", clients: []string{"us-east1", "europe-west1"}, client: "us-east1",
			outcome: switchAt(4 * sec), failedOver: true, time: sec},
		{name: "already there", clients: []string{"us-east1", "europe-west1"}, client: "europe-west1",
			outcome: switchAt(4 * sec), failedOver: true, time: 0, before: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := synth.Synthesize(100, 10*sec, marks(3*sec), tt.clients, tt.outcome)
			r, err := Failover(tl, objective(), "fault", "europe-west1", tt.client)
			if err != nil {
				t.Fatal(err)
			}
			if r.FailedOver != tt.failedOver || r.Time != tt.time || r.ShareBefore != tt.before {
				t.Errorf("failed over %v after %v (share before %v), want %v after %v (%v); reason %q",
					r.FailedOver, r.Time, r.ShareBefore, tt.failedOver, tt.time, tt.before, r.Reason)
			}
			if r.FailedOver && r.ShareAfter < 0.9 {
				t.Errorf("share after %v", r.ShareAfter)
			}
			if !r.FailedOver && r.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

func TestFullCapacity(t *testing.T) {
	f := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration, ready, desired int) CapacitySample {
		return CapacitySample{f.Add(d), ready, desired}
	}
	tests := []struct {
		name     string
		samples  []CapacitySample
		dipped   bool
		restored bool
		time     time.Duration
		min      int
	}{
		{"never dipped", []CapacitySample{at(-sec, 6, 6), at(5*sec, 6, 6)}, false, true, 0, 6},
		{"dip and back", []CapacitySample{at(-sec, 6, 6), at(2*sec, 3, 6), at(3*sec, 2, 6), at(40*sec, 6, 6)}, true, true, 40 * sec, 2},
		{"out of order", []CapacitySample{at(40*sec, 6, 6), at(2*sec, 3, 6), at(-sec, 6, 6)}, true, true, 40 * sec, 3},
		{"scaled up for DR", []CapacitySample{at(-sec, 6, 6), at(sec, 6, 10), at(20*sec, 10, 10)}, true, true, 20 * sec, 6},
		{"down at the fault already", []CapacitySample{at(-sec, 4, 6), at(9*sec, 6, 6)}, true, true, 9 * sec, 4},
		{"not back", []CapacitySample{at(-sec, 6, 6), at(sec, 2, 6), at(30*sec, 5, 6)}, true, false, 30 * sec, 2},
		{"dip before the fault only", []CapacitySample{at(-5*sec, 2, 6), at(-sec, 6, 6)}, false, true, 0, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := FullCapacity(tt.samples, f)
			if r.Dipped != tt.dipped || r.Restored != tt.restored || r.Time != tt.time || r.MinReady != tt.min {
				t.Errorf("%+v, want dipped %v restored %v time %v min %d", r, tt.dipped, tt.restored, tt.time, tt.min)
			}
			if !r.Restored && r.Reason == "" {
				t.Error("no reason")
			}
		})
	}
	if r := FullCapacity(nil, f); r.Restored || r.Reason == "" {
		t.Errorf("no samples: %+v", r)
	}
}
