package kind

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestEnsureDockerAfterAKilledEngine runs hack/kind/ensure-docker.sh where
// the dockerd it started before was killed and left its PID file behind (as
// when a machine's processes are ended between two CI runs). The new dockerd
// (a fake on PATH that writes its PID file a moment after it starts, as the
// real one does) must be waited for, not reported dead because of the old
// file.
func TestEnsureDockerAfterAKilledEngine(t *testing.T) {
	bin := t.TempDir()
	state := t.TempDir()
	write := func(name, script string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// docker answers once the fake dockerd has marked itself up.
	write("docker", `case "$1" in
info) [ -f "`+bin+`/up" ] ;;
version) echo fake ;;
*) exit 0 ;;
esac
`)
	write("dockerd", `echo $$ > "`+bin+`/started"
while [ $# -gt 0 ]; do [ "$1" = --pidfile ] && p=$2; shift; done
sleep 0.3
echo $$ > "$p"
touch "`+bin+`/up"
exec sleep 600
`)
	write("iptables", "exit 0\n")
	write("jq", "exit 0\n")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("GAMEDAY_DOCKER_STATE", state)
	t.Setenv("DOCKER_WAIT", "20")

	// A PID that is certainly gone: a process that ran and was reaped.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	pidfile := filepath.Join(state, "dockerd.pid")
	if err := os.WriteFile(pidfile, []byte(strconv.Itoa(gone.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// End the fake dockerd the script started (it records its PID at
		// once, also when the script gave up on it before its PID file).
		if b, err := os.ReadFile(filepath.Join(bin, "started")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})

	out, err := exec.Command("bash", filepath.Join("..", "..", "..", "hack", "kind", "ensure-docker.sh")).CombinedOutput()
	if err != nil {
		t.Fatalf("ensure-docker.sh: %v\n%s", err, out)
	}
	for _, want := range []string{"removing the stale PID file " + pidfile, "engine up: fake", "no runtime wrapper needed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(b)) == strconv.Itoa(gone.Process.Pid) {
		t.Errorf("the PID file still names the dead dockerd %d", gone.Process.Pid)
	}
}
