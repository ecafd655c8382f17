package cluster

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Proc identifies one process by its PID and its start time (clock ticks
// after boot). PIDs are recycled (pid_max is often 32768), and a process that
// is exiting loses its command line before it becomes a zombie, so neither
// the PID nor the command line alone says whether "the same" process still
// runs; the pair does.
type Proc struct {
	PID   int
	Start uint64
}

// FindProc returns the identity of the running process pid.
func FindProc(pid int) (Proc, bool) {
	st, ok := procStat(pid)
	if !ok || st.state == "Z" {
		return Proc{}, false
	}
	return Proc{PID: pid, Start: st.start}, true
}

// Running reports whether the process p names is still alive: same PID, same
// start time, not a zombie. A process in the middle of exiting is running.
func (p Proc) Running() bool {
	st, ok := procStat(p.PID)
	return ok && st.state != "Z" && st.start == p.Start
}

// FindProcMatching returns the identity of the running process pid when its
// command line satisfies match. The identity is taken before the command line
// is read and confirmed after, so the command line judged is that process's
// (not a recycled PID's).
func FindProcMatching(pid int, match func(args []string) bool) (Proc, bool) {
	p, ok := FindProc(pid)
	if !ok || !match(ProcessCmdline(pid)) || !p.Running() {
		return Proc{}, false
	}
	return p, true
}

// ProcessRunning reports whether pid is a live process: it exists and is not
// a zombie (an exited child nobody has reaped yet).
func ProcessRunning(pid int) bool {
	_, ok := FindProc(pid)
	return ok
}

type stat struct {
	state string
	start uint64
}

// procStat reads the state and start time of pid from /proc/PID/stat. The
// command name (field 2) may hold spaces and parentheses, so fields are
// counted after its last ')'.
func procStat(pid int) (stat, bool) {
	if pid <= 0 {
		return stat{}, false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return stat{}, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return stat{}, false
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); starttime is field 22.
	if len(f) < 20 {
		return stat{}, false
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return stat{}, false
	}
	return stat{state: f[0], start: start}, true
}

// ProcessCmdline returns a process's arguments (nil when it is gone or
// exiting).
func ProcessCmdline(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
}

// MissingBinaries lists the names that are not executable files in dir.
func MissingBinaries(dir string, names ...string) []string {
	var missing []string
	for _, n := range names {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			missing = append(missing, n)
		}
	}
	return missing
}
