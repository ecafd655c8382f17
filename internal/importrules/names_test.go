package importrules

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// referenceNames are the reference platform's names (its Deployment and
// Service, namespace, pod label and model bucket). Code must work for any
// platform, so only tests and fixtures may hold them.
var referenceNames = []string{"inference-service", "ml-serving", "app=inference", "model-registry"}

// codeDirs are the trees whose code must not know a platform's names.
var codeDirs = []string{"framework", "cmd", "scenarios", "internal"}

// repoRoot is the repository's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func TestCodeKnowsNoReferenceNames(t *testing.T) {
	hits, err := FindNames(repoRoot(t), codeDirs, referenceNames)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		t.Errorf("%s: code must not know the reference platform's names (read them from the platform's manifests or topology; tests and fixtures may quote them)", h)
	}
}

// The walker finds a planted name, with file and line, and skips tests,
// fixtures and testdata.
func TestFindNamesCatchesAPlantedName(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	planted := "package x\n\n// Default names.\nconst ns = \"ml-serving\"\n"
	write("framework/x/x.go", planted)
	write("cmd/y/main.go", "package main\n\nfunc main() {}\n\n// selector app=inference\n")
	write("framework/x/x_test.go", planted)
	write("framework/x/testdata/t.go", planted)
	write("framework/fixtures/f.go", planted)
	write("framework/x/notes.md", planted)
	write("scenarios/clean.go", "package scenarios\n")

	hits, err := FindNames(root, []string{"framework", "cmd", "scenarios"}, referenceNames)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.String())
	}
	want := []string{
		`cmd/y/main.go:5: "app=inference" in // selector app=inference`,
		`framework/x/x.go:4: "ml-serving" in const ns = "ml-serving"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("hits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := FindNames(root, []string{"internal"}, referenceNames); err == nil {
		t.Error("a missing directory was walked without error")
	}
}
