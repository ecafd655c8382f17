package supervise

import (
	"context"
	"fmt"

	"gameday.io/gameday/framework/cluster"
)

// Process checks that a process gameday started is still the same process
// (PID and start time: a recycled PID is not it) and not a zombie.
func Process(name string, p cluster.Proc) Check {
	return Check{
		Name: fmt.Sprintf("%s (pid %d)", name, p.PID),
		Probe: func(context.Context) error {
			if !p.Running() {
				return fmt.Errorf("process %d exited", p.PID)
			}
			return nil
		},
	}
}
