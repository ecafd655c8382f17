package rpo_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("RPO", Label("rpo"), Ordered, ContinueOnFailure, Serial, func() {
	res := harness.Drill("rpo", func() *scenarios.Env { return env })

	It("restores every backed-up object intact", func() {
		Expect(res().RPO).NotTo(BeNil())
		for _, r := range res().RPO.Results {
			Expect(r.Corrupted).To(BeEmpty(), "corrupted objects in the %s scenario", r.Scenario)
			Expect(r.Restored).To(BeNumerically(">", 0), "objects restored in the %s scenario", r.Scenario)
		}
	})
	harness.ItMeets("loses at most the RPO objective of model versions", "rpo", res)
})
