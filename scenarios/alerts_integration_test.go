package scenarios_test

import (
	"context"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/envtest"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/scenarios"
)

// TestDrillRecordsThePlatformsAlerts runs the storage outage on the
// reference platform in an environment with monitoring. The platform's
// ModelStorageUnavailable rule (probe_success == 0 for 3m, scaled by the
// fast profile) is evaluated by the primary region's real Prometheus from a
// real probe of the storage endpoint the pods use: the drill records it
// pending after the fault, firing once its `for:` has passed, and resolved
// after the revert, and reports time to detect as metrics.
func TestDrillRecordsThePlatformsAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs make tools build (the monitoring stack included)")
	}
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	e, err := envtest.Up(ctx, "al", framework.ProfileFast, "", func(o *environment.Options) { o.Monitoring = true })
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { g.Expect(e.Down()).To(Succeed()) })

	env, err := scenarios.Connect(e.Store, e.Record.Name, nil)
	g.Expect(err).NotTo(HaveOccurred())
	s, err := scenarios.Builtin("storage-outage")
	g.Expect(err).NotTo(HaveOccurred())
	s.Baseline, s.Fault.Hold, s.Recovery = scenarios.Duration(3*time.Second), scenarios.Duration(40*time.Second), scenarios.Duration(20*time.Second)
	res, err := scenarios.Run(ctx, env, s, scenarios.Options{Seed: 1})
	g.Expect(err).NotTo(HaveOccurred())
	d := res.Drill
	g.Expect(d.Faults).To(HaveLen(1))
	injected, reverted := d.Faults[0].InjectedAt, d.Faults[0].RevertedAt
	g.Expect(reverted).NotTo(BeNil())
	forDuration := env.Timeouts.Scale(3 * time.Minute)

	primary, err := e.Record.Primary()
	g.Expect(err).NotTo(HaveOccurred())
	states := map[string][]evidence.Event{}
	for _, ev := range d.Events {
		if ev.Object != "alert/ModelStorageUnavailable" {
			continue
		}
		g.Expect(ev.Region).To(Equal(primary.Name), "only the faulted region's storage failed: %+v", ev)
		state, _, _ := strings.Cut(ev.Event, " ")
		states[state] = append(states[state], ev)
	}
	g.Expect(states).To(HaveKey("pending"), "events: %+v", d.Events)
	g.Expect(states).To(HaveKey("firing"), "events: %+v", d.Events)
	g.Expect(states).To(HaveKey("resolved"), "events: %+v", d.Events)
	pending, firing, resolved := states["pending"][0], states["firing"][0], states["resolved"][0]
	t.Logf("ModelStorageUnavailable: pending +%.1fs, firing +%.1fs after the fault (for: %s), resolved +%.1fs after the revert",
		pending.At.Sub(injected).Seconds(), firing.At.Sub(injected).Seconds(), forDuration, resolved.At.Sub(*reverted).Seconds())
	g.Expect(pending.At).To(BeTemporally(">", injected))
	g.Expect(firing.At.Sub(pending.At)).To(BeNumerically(">=", forDuration-time.Second), "fires once its for: has passed")
	g.Expect(firing.At.Sub(injected)).To(BeNumerically("<", forDuration+15*time.Second), "a scrape, an evaluation and a poll after for:")
	g.Expect(firing.At).To(BeTemporally("<", *reverted), "fired while the fault held")
	g.Expect(resolved.At).To(BeTemporally(">", firing.At))
	g.Expect(resolved.At.Sub(*reverted)).To(BeNumerically("<", 15*time.Second))

	metrics := map[string]evidence.Metric{}
	for _, m := range d.Metrics {
		metrics[m.Name] = m
	}
	m, ok := metrics["alert ModelStorageUnavailable firing ("+primary.Name+")"]
	g.Expect(ok).To(BeTrue(), "metrics: %+v", d.Metrics)
	g.Expect(m.Value).To(BeNumerically("~", firing.At.Sub(injected).Seconds(), 0.1), "counted from the injection (the drill notes its start just before the journal entry)")
	g.Expect(m.Unit).To(Equal("s after the fault"))
	r, ok := metrics["alert ModelStorageUnavailable resolved ("+primary.Name+")"]
	g.Expect(ok).To(BeTrue(), "resolved after the revert began: %+v", d.Metrics)
	g.Expect(r.Value).To(BeNumerically(">=", 0))
	g.Expect(r.Unit).To(Equal("s after the revert began"))
	for _, f := range d.Findings {
		g.Expect(f.ID).NotTo(Equal("alerts-unobserved"), "Prometheus answered every poll: %s", f.Evidence)
	}
}
