package region_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/matchers"
	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Region outage", Label("region", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	var res *scenarios.Result

	BeforeAll(func(ctx SpecContext) {
		res = harness.Run(ctx, env, "region-outage")
	}, NodeTimeout(harness.Timeout("region-outage")))

	It("recovers within the RTO objective", func() {
		Expect(res.RTO).To(matchers.HaveRTOBelow(measure.DefaultRTO))
	})
	It("fails the primary's clients over to the DR region", func() {
		dr, err := env.Record.DR()
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Failover).To(matchers.HaveFailedOverTo(dr.Name))
		Expect(res).To(harness.MeetObjective("failover"))
	})
	It("fails over by the DestinationRule's failover order", func() {
		Expect(res).To(harness.MeetObjective("failover-order"))
	})
	It("scales the DR region to the runbook's 10 replicas", func() {
		Expect(res).To(harness.MeetObjective("dr-capacity"))
	})
	It("stays within the baseline error budget", func() {
		Expect(res).To(harness.MeetObjective("error-budget"))
	})
	It("returns to full capacity after the region comes back", func() {
		Expect(res).To(harness.MeetObjective("capacity-after-revert"))
	})
})
