package envtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/environment"
)

// Processes lists the running processes an environment started: every
// control-plane component (kwokctl's pid files) and the data-plane agent,
// each by PID and start time so a recycled PID is never taken for it.
func Processes(envDir string) []cluster.Proc {
	var pids []int
	files, _ := filepath.Glob(filepath.Join(envDir, "kwok", "clusters", "*", "pids", "*.pid"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			pids = append(pids, pid)
		}
	}
	var info environment.AgentInfo
	if b, err := os.ReadFile(filepath.Join(envDir, "agent.json")); err == nil && json.Unmarshal(b, &info) == nil && info.PID > 0 {
		pids = append(pids, info.PID)
	}
	var out []cluster.Proc
	for _, pid := range pids {
		if p, ok := cluster.FindProc(pid); ok {
			out = append(out, p)
		}
	}
	return out
}

// Alive reports whether a process exists and is not a zombie.
func Alive(pid int) bool { return cluster.ProcessRunning(pid) }
