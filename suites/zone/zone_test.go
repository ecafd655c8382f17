package zone_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/matchers"
	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Zone outage", Label("zone", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	var res *scenarios.Result

	BeforeAll(func(ctx SpecContext) {
		res = harness.Run(ctx, env, "zone-outage")
	}, NodeTimeout(harness.Timeout("zone-outage")))

	It("recovers within the RTO objective", func() {
		Expect(res.RTO).To(matchers.HaveRTOBelow(measure.DefaultRTO))
	})
	It("keeps at least the PDB's minAvailable replicas Ready", func() {
		Expect(res).To(harness.MeetObjective("min-ready"))
	})
	It("restores full capacity in the surviving zone while the zone is down", func() {
		Expect(res).To(harness.MeetObjective("capacity-during-fault"))
	})
	It("stays within the baseline error budget", func() {
		Expect(res).To(harness.MeetObjective("error-budget"))
	})
	It("returns to full capacity after the zone comes back", func() {
		Expect(res).To(harness.MeetObjective("capacity-after-revert"))
	})
})
