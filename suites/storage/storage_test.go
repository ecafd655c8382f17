package storage_test

import (
	. "github.com/onsi/ginkgo/v2"

	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Storage outage", Label("storage", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	res := harness.Drill("storage-outage", func() *scenarios.Env { return env })

	harness.ItRecoversWithinRTO(res)
	harness.ItMeets("keeps serving from memory within the error budget while storage is down", "error-budget", res)
	harness.ItReturnsToFullCapacity(res)
})
