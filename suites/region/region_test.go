package region_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/measure/matchers"
	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Region outage", Label("region", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	res := harness.Drill("region-outage", func() *scenarios.Env { return env })

	harness.ItRecoversWithinRTO(res)
	It("fails the primary's clients over to the DR region", func() {
		dr, err := env.Record.DR()
		Expect(err).NotTo(HaveOccurred())
		Expect(res().Failover).To(matchers.HaveFailedOverTo(dr.Name))
		Expect(res()).To(harness.MeetObjective("failover"))
	})
	harness.ItMeets("fails over by the DestinationRule's failover order", "failover-order", res)
	harness.ItMeets("scales the DR region as the runbook says", "dr-capacity", res)
	harness.ItMeets("stays within the baseline error budget", "error-budget", res)
	harness.ItReturnsToFullCapacity(res)
})
