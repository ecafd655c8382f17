package storage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const helperEnv = "GAMEDAY_STORAGE_TEST_HELPER_DIR"

// TestHelperServerParent is not a test: run by TestServerDiesWithParent as a
// child process, it starts a server, prints its PID and waits to be killed.
func TestHelperServerParent(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	s, err := StartServer(context.Background(), ServerConfig{Dir: dir, Binary: serverBinary()})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("pid", s.PID())
	select {} // until killed
}

func TestServerDiesWithParent(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts versitygw (make tools)")
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestHelperServerParent$")
	parent.Env = append(os.Environ(), helperEnv+"="+t.TempDir())
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = parent.Process.Kill(); _ = parent.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "pid ") {
		t.Fatalf("helper said %q: %v", line, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "pid ")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) }) // only if the test failed
	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = parent.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !gone(pid) {
		select {
		case <-ctx.Done():
			t.Fatalf("versitygw %d outlived its killed parent", pid)
		case <-tick.C:
		}
	}
}

// gone reports whether pid no longer runs (exited, or a zombie awaiting its reaper).
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] == "Z"
}
