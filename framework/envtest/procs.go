package envtest

import (
	"encoding/json"
	"os"
	"path/filepath"

	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/provider"
)

// Processes lists the running processes an environment started: every
// process its provider runs for its clusters (the sim's control planes) and
// the data-plane agent, each by PID and start time so a recycled PID is
// never taken for it.
func Processes(envDir string) []cluster.Proc {
	var out []cluster.Proc
	var info environment.AgentInfo
	if b, err := os.ReadFile(filepath.Join(envDir, "agent.json")); err == nil && json.Unmarshal(b, &info) == nil {
		if p, ok := cluster.FindProc(info.PID); ok {
			out = append(out, p)
		}
	}
	rec, err := (environment.Store{Root: filepath.Dir(envDir)}).Load(filepath.Base(envDir))
	if err != nil {
		return out
	}
	prov, err := environment.ProviderOf(rec, nil)
	if err != nil {
		return out
	}
	if pl, ok := prov.(provider.ProcessLister); ok {
		for _, r := range rec.Regions {
			procs, _ := pl.Processes(provider.ClusterOf(r))
			for _, p := range procs {
				out = append(out, p.Proc)
			}
		}
	}
	return out
}
