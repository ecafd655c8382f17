package pdb_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/measure/matchers"
	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Zone drain", Label("pdb", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	var res *scenarios.Result

	BeforeAll(func(ctx SpecContext) {
		res = harness.Run(ctx, env, "zone-drain")
	}, NodeTimeout(harness.Timeout("zone-drain")))

	It("holds the PodDisruptionBudget", func() {
		Expect(res.PDB).NotTo(BeNil())
		Expect(*res.PDB).To(matchers.HoldPDBMinAvailable(env.Platform.PDB.Spec.MinAvailable.IntValue()))
		Expect(res).To(harness.MeetObjective("min-ready"))
	})
	It("lets the zone be drained completely", func() {
		Expect(res).To(harness.MeetObjective("drain-completes"))
	})
	It("serves without interruption", func() {
		Expect(res).To(harness.MeetObjective("rto"))
	})
	It("returns to full capacity after the drain", func() {
		Expect(res).To(harness.MeetObjective("capacity-after-revert"))
	})
})
