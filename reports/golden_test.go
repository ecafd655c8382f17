package reports_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
	"gameday.io/gameday/reports"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./reports -update and review the diff):\n%s", name, firstDiff(got, want))
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range max(len(g), len(w)) {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + string(gl) + "\nwant: " + string(wl)
		}
	}
	return ""
}

func samples() map[string]*evidence.Evidence {
	return map[string]*evidence.Evidence{"passing": evidencetest.Passing(), "failing": evidencetest.Failing()}
}

func TestGoldenEvidenceJSON(t *testing.T) {
	for name, ev := range samples() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := reports.WriteJSON(ev, &buf); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".evidence.json", buf.Bytes())
			// What WriteJSON writes reads back as the same evidence.
			back, err := evidence.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, ev) {
				t.Error("evidence.json does not read back as the evidence written")
			}
		})
	}
}

func TestGoldenSummaryMarkdown(t *testing.T) {
	for name, ev := range samples() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := reports.WriteMarkdown(ev, &buf); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".summary.md", buf.Bytes())
			if n := bytes.Count(buf.Bytes(), []byte("\n")); n > 40 {
				t.Errorf("summary.md has %d lines; it should stay short", n)
			}
		})
	}
}
