package kind

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fakeDocker puts a docker on PATH that knows one container, whose state is
// kept in dir/state, and whose pause fails with the freezer's "unable to
// freeze" the first failures times (then, with failures < 0, always with
// another error).
func fakeDocker(t *testing.T, failures int) (dir string) {
	t.Helper()
	dir = t.TempDir()
	script := `#!/bin/sh
d=` + dir + `
case "$1" in
inspect) cat "$d/state" ;;
pause)
  n=$(cat "$d/pauses" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$d/pauses"
  if [ ` + strconv.Itoa(failures) + ` -lt 0 ]; then echo "Error response from daemon: no such thing" >&2; exit 1; fi
  if [ $n -le ` + strconv.Itoa(failures) + ` ]; then echo "Error response from daemon: Cannot pause container x: OCI runtime pause failed: unable to freeze: unknown" >&2; exit 1; fi
  echo paused > "$d/state" ;;
*) exit 2 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "state"), []byte("running\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

func pauses(t *testing.T, dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "pauses"))
	return strings.TrimSpace(string(b))
}

func TestPauseRetriesWhenTheFreezerGivesUp(t *testing.T) {
	dir := fakeDocker(t, 3)
	if err := pause(context.Background(), "node"); err != nil {
		t.Fatalf("pause: %v", err)
	}
	if got := pauses(t, dir); got != "4" {
		t.Errorf("docker pause ran %s times, want 4 (3 freezer failures, then success)", got)
	}
	// A paused container is left as it is.
	if err := pause(context.Background(), "node"); err != nil || pauses(t, dir) != "4" {
		t.Errorf("pause of a paused node: err %v, docker pause ran %s times in all, want no new run", err, pauses(t, dir))
	}
}

func TestPauseFailsAtOnceOnOtherErrors(t *testing.T) {
	dir := fakeDocker(t, -1)
	err := pause(context.Background(), "node")
	if err == nil || !strings.Contains(err.Error(), "no such thing") {
		t.Fatalf("pause: err %v, want the docker error", err)
	}
	if got := pauses(t, dir); got != "1" {
		t.Errorf("docker pause ran %s times, want 1 (no retry for other errors)", got)
	}
}
