package cli_test

import (
	"testing"

	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/envtest/cli"
)

func TestStateRootEnvIsGamedays(t *testing.T) {
	if cli.StateRootEnv != environment.StateRootEnv {
		t.Errorf("cli.StateRootEnv = %q, environment.StateRootEnv = %q", cli.StateRootEnv, environment.StateRootEnv)
	}
}
