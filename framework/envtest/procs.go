package envtest

import (
	"encoding/json"
	"os"
	"path/filepath"

	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/cluster/sim"
	"gameday.io/gameday/framework/environment"
)

// Processes lists the running processes an environment started: every
// control-plane component (kwokctl's pid files) and the data-plane agent,
// each by PID and start time so a recycled PID is never taken for it.
func Processes(envDir string) []cluster.Proc {
	var out []cluster.Proc
	dirs, _ := filepath.Glob(filepath.Join(envDir, "kwok", "clusters", "*"))
	for _, dir := range dirs {
		comps, _ := sim.Components(dir)
		for _, c := range comps {
			out = append(out, c.Proc)
		}
	}
	var info environment.AgentInfo
	if b, err := os.ReadFile(filepath.Join(envDir, "agent.json")); err == nil && json.Unmarshal(b, &info) == nil {
		if p, ok := cluster.FindProc(info.PID); ok {
			out = append(out, p)
		}
	}
	return out
}
