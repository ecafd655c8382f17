// Package providers registers every environment provider. It is the only
// package that imports a provider's implementation: import it for its side
// effect where providers are chosen by name (the CLI, suites, tests).
package providers

import (
	// The sim provider: kwok control planes with simulated GPU nodes.
	_ "gameday.io/gameday/framework/provider/sim"
	// The kind provider: real kubelets in Docker, one kind cluster per region.
	_ "gameday.io/gameday/framework/provider/kind"
	// The existing provider: clusters gameday did not create.
	_ "gameday.io/gameday/framework/provider/existing"
)
