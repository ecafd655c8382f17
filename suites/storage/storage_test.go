package storage_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/matchers"
	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Storage outage", Label("storage", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	var res *scenarios.Result

	BeforeAll(func(ctx SpecContext) {
		res = harness.Run(ctx, env, "storage-outage")
	}, NodeTimeout(harness.Timeout("storage-outage")))

	It("keeps serving from memory: RTO within the objective", func() {
		Expect(res.RTO).To(matchers.HaveRTOBelow(measure.DefaultRTO))
	})
	It("stays within the error budget while storage is down", func() {
		Expect(res).To(harness.MeetObjective("error-budget"))
	})
	It("returns to full capacity once storage is back", func() {
		Expect(res).To(harness.MeetObjective("capacity-after-revert"))
	})
})
