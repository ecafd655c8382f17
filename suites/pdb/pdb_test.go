package pdb_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/measure/matchers"
	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Zone drain", Label("pdb", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	res := harness.Drill("zone-drain", func() *scenarios.Env { return env })

	It("holds the PodDisruptionBudget", func() {
		Expect(res().Workloads).NotTo(BeEmpty())
		for _, w := range res().Workloads {
			if w.MinAvailable == 0 {
				continue // no PDB covers it
			}
			Expect(w.PDB).NotTo(BeNil(), "the PDB watch of %s", w.Name)
			Expect(*w.PDB).To(matchers.HoldPDBMinAvailable(w.MinAvailable), "workload %s", w.Name)
		}
		Expect(res()).To(harness.MeetObjective("min-ready"))
	})
	harness.ItMeets("lets the zone be drained completely", "drain-completes", res)
	harness.ItMeets("serves without interruption", "rto", res)
	harness.ItReturnsToFullCapacity(res)
})
