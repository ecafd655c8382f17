package node_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/matchers"
	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Node loss", Label("node", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	var res *scenarios.Result

	BeforeAll(func(ctx SpecContext) {
		res = harness.Run(ctx, env, "node-loss")
	}, NodeTimeout(harness.Timeout("node-loss")))

	It("recovers within the RTO objective", func() {
		Expect(res.RTO).To(matchers.HaveRTOBelow(measure.DefaultRTO))
	})
	It("reschedules the lost pod and restores capacity while the node is down", func() {
		Expect(res).To(harness.MeetObjective("capacity-during-fault"))
	})
	It("stays within the baseline error budget", func() {
		Expect(res).To(harness.MeetObjective("error-budget"))
	})
	It("returns to full capacity after the node comes back", func() {
		Expect(res).To(harness.MeetObjective("capacity-after-revert"))
	})
})
