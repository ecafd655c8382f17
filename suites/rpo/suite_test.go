package rpo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"gameday.io/gameday/scenarios"
	"gameday.io/gameday/suites/internal/harness"
)

func TestRPODrill(t *testing.T) {
	if testing.Short() {
		t.Skip("drill suite: needs an environment (make tools build)")
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "RPO drill")
}

// env is the environment every spec of the suite drills.
var env *scenarios.Env

var _ = SynchronizedBeforeSuite(harness.SetUp, func(data []byte) { env = harness.Connect(data) })
