package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/load/loadtest"
)

// runLoadCmd runs `gameday load args...` and returns its stdout and exit code.
func runLoadCmd(t *testing.T, args ...string) (string, int, error) {
	t.Helper()
	r := execute(t, time.Minute, newLoadCmd(), args...)
	return r.out, r.code, r.err
}

func TestLoadCommand(t *testing.T) {
	tg := loadtest.New(t, "us-east1", "us-east1-a")
	path := filepath.Join(t.TempDir(), "timeline.json")
	out, code, err := runLoadCmd(t, "--url", tg.URL(), "--rate", "100", "--duration", "1500ms",
		"--client-region", "us-east1", "--client-region", "europe-west1", "--timeline", path, "--min-success", "0.99")
	if code != 0 {
		t.Fatalf("exit %d: %v\n%s", code, err, out)
	}
	// A buffer is not a terminal: one plain progress line per second, then the summary.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.Contains(lines[0], "rps") || !strings.Contains(lines[0], "ok 100.00%") || !strings.Contains(lines[0], "us-east1 100%") || strings.Contains(out, "\r") {
		t.Errorf("progress line %q", lines[0])
	}
	m := regexp.MustCompile(`sent (\d+) requests .* recorded (\d+)\nok (\d+) `).FindStringSubmatch(out)
	if m == nil || m[1] != m[2] || m[1] != m[3] {
		t.Errorf("summary: want sent == recorded == ok:\n%s", out)
	} else if n, _ := strconv.Atoi(m[1]); n < 100 || n > 160 { // 150 planned; a starved machine sends fewer, never more
		t.Errorf("sent %d requests in 1.5 s at 100/s", n)
	}
	for _, want := range []string{"(100.00%)", "latency p50", "served by us-east1 100.0%", "timeline: " + path} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tl load.Timeline
	if err := json.Unmarshal(b, &tl); err != nil {
		t.Fatal(err)
	}
	if tl.Sent != tl.Recorded || tl.Sent < 100 || len(tl.Buckets) < 15 || len(tl.ClientRegions) != 2 {
		t.Errorf("timeline: sent %d recorded %d, %d buckets, clients %v", tl.Sent, tl.Recorded, len(tl.Buckets), tl.ClientRegions)
	}
}

func TestLoadCommandMinSuccess(t *testing.T) {
	tg := loadtest.New(t, "us-east1", "us-east1-a")
	tg.SetStatus(503)
	out, code, err := runLoadCmd(t, "--url", tg.URL(), "--rate", "50", "--duration", "300ms", "--min-success", "0.5")
	if code != exitFailed || !strings.Contains(err.Error(), "below --min-success 0.5") {
		t.Errorf("exit %d, %v\n%s", code, err, out)
	}
	if !strings.Contains(out, "5xx:") {
		t.Errorf("summary does not count the 503s:\n%s", out)
	}
}

func TestLoadCommandBadInput(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	state := t.TempDir()
	t.Setenv("GAMEDAY_STATE_DIR", state)
	env := &environment.Record{Environment: framework.Environment{Name: "demo", URL: closed,
		Regions: []framework.Region{{Name: "us-east1"}, {Name: "europe-west1"}}}}
	if err := (environment.Store{Root: state}).Save(env); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"zero rate", []string{"--url", closed, "--rate", "0"}, exitUsage, "rate 0"},
		{"negative rate", []string{"--url", closed, "--rate", "-3"}, exitUsage, "rate -3"},
		{"not a number", []string{"--url", closed, "--rate", "fast"}, exitUsage, "invalid argument"},
		{"bad url", []string{"--url", "ftp://x"}, exitUsage, "http://"},
		{"zero duration", []string{"--url", closed, "--duration", "0s"}, exitUsage, "--duration 0s"},
		{"min success", []string{"--url", closed, "--min-success", "2"}, exitUsage, "--min-success 2"},
		{"unreachable", []string{"--url", closed, "--duration", "1s"}, exitFailed, "connection refused"},
		{"unknown region", []string{"--name", "demo", "--client-region", "us-east1", "--client-region", "mars-1"}, exitUsage, `unknown client region "mars-1"`},
		{"environment URL unreachable", []string{"--name", "demo", "--client-region", "europe-west1"}, exitFailed, closed},
		{"no environment", []string{"--name", "nope"}, exitUsage, `environment "nope" does not exist`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code, err := runLoadCmd(t, tc.args...)
			if code != tc.code || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("exit %d, %v; want exit %d and %q\n%s", code, err, tc.code, tc.want, out)
			}
		})
	}
}
