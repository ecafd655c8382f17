package zone_test

import (
	. "github.com/onsi/ginkgo/v2"

	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

var _ = Describe("Zone outage", Label("zone", "disruptive"), Ordered, ContinueOnFailure, Serial, func() {
	res := harness.Drill("zone-outage", func() *scenarios.Env { return env })

	harness.ItRecoversWithinRTO(res)
	harness.ItMeets("keeps at least the PDB's minimum of Ready replicas", "min-ready", res)
	harness.ItMeets("restores full capacity in the surviving zone while the zone is down", "capacity-during-fault", res)
	harness.ItMeets("stays within the baseline error budget", "error-budget", res)
	harness.ItReturnsToFullCapacity(res)
})
