package node_test

import (
	. "github.com/onsi/ginkgo/v2"

	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Node loss", Label("node", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	res := harness.Drill("node-loss", func() *scenarios.Env { return env })

	harness.ItRecoversWithinRTO(res)
	harness.ItMeets("reschedules the lost pod and restores capacity while the node is down", "capacity-during-fault", res)
	harness.ItMeets("stays within the baseline error budget", "error-budget", res)
	harness.ItReturnsToFullCapacity(res)
})
