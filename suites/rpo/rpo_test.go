package rpo_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("RPO", Label("rpo"), Ordered, ContinueOnFailure, Serial, func() {
	res := harness.Drill("rpo", func() *scenarios.Env { return env })

	It("restores every backed-up object intact, for every backup schedule", func() {
		Expect(res().RPO).NotTo(BeNil())
		Expect(res().RPO.Drills).NotTo(BeEmpty())
		for _, d := range res().RPO.Drills {
			Expect(d.Report).NotTo(BeNil(), "the drill of %s ran: %s", d.Schedule, d.Error)
			for _, r := range d.Report.Results {
				Expect(r.Corrupted).To(BeEmpty(), "corrupted objects in the %s scenario of %s", r.Scenario, d.Schedule)
				Expect(r.Restored).To(BeNumerically(">", 0), "objects restored in the %s scenario of %s", r.Scenario, d.Schedule)
			}
		}
	})
	harness.ItMeets("loses at most the RPO objective of model versions", "rpo", res)
})
