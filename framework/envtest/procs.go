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

// ProcessIDs lists the processes an environment started: every control-plane
// component (kwokctl's pid files) and the data-plane agent.
func ProcessIDs(envDir string) []int {
	var out []int
	files, _ := filepath.Glob(filepath.Join(envDir, "kwok", "clusters", "*", "pids", "*.pid"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			out = append(out, pid)
		}
	}
	var info environment.AgentInfo
	if b, err := os.ReadFile(filepath.Join(envDir, "agent.json")); err == nil && json.Unmarshal(b, &info) == nil && info.PID > 0 {
		out = append(out, info.PID)
	}
	return out
}

// Alive reports whether a process exists and is not a zombie.
func Alive(pid int) bool { return cluster.ProcessRunning(pid) }
