package harness

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/matchers"
	"gameday.io/gameday/scenarios"
)

// Drill registers, in an Ordered container, a BeforeAll that runs the named
// drill once against env() with a timeout sized from the profile, and
// returns the result for the container's specs.
func Drill(name string, env func() *scenarios.Env) func() *scenarios.Result {
	var res *scenarios.Result
	BeforeAll(func(ctx SpecContext) {
		res = Run(ctx, env(), name)
	}, NodeTimeout(Timeout(name)))
	return func() *scenarios.Result { return res }
}

// ItRecoversWithinRTO asserts the RTO objective with the measure matcher,
// whose failure message shows the load's buckets around the recovery.
func ItRecoversWithinRTO(res func() *scenarios.Result) {
	It("recovers within the RTO objective", func() {
		Expect(res().RTO).To(matchers.HaveRTOBelow(measure.DefaultRTO))
	})
}

// ItMeets declares one spec asserting one objective of the drill.
func ItMeets(text, kind string, res func() *scenarios.Result) {
	It(text, func() { Expect(res()).To(MeetObjective(kind)) })
}

// ItReturnsToFullCapacity asserts every region is back to full capacity
// after the fault is reverted.
func ItReturnsToFullCapacity(res func() *scenarios.Result) {
	ItMeets("returns to full capacity after the fault is reverted", "capacity-after-revert", res)
}
