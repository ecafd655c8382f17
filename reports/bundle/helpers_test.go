package bundle_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
	"gameday.io/gameday/reports/bundle"
	"gameday.io/gameday/reports/internal/reporttest"
)

// leak is a secret the Ginkgo output carries into the tests.
const leak = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

// writeBundle writes a complete bundle of ev (with Ginkgo reports) into a
// fresh directory and returns it with the key that signed it.
func writeBundle(t *testing.T, ev *evidence.Evidence, opts ...bundle.Option) (string, *bundle.Key) {
	t.Helper()
	junit, jsonReport, err := reporttest.Write(t.TempDir(), leak)
	if err != nil {
		t.Fatal(err)
	}
	k, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), ev.RunID)
	r := evidence.NewRedactor()
	r.AddValues(leak)
	opts = append([]bundle.Option{bundle.WithJUnit(junit), bundle.WithGinkgoJSON(jsonReport), bundle.WithKey(k), bundle.WithRedactor(r)}, opts...)
	if _, err := bundle.Write(context.Background(), dir, ev, opts...); err != nil {
		t.Fatal(err)
	}
	return dir, k
}

func verify(t *testing.T, dir string, opts ...bundle.VerifyOption) *bundle.Report {
	t.Helper()
	rep, err := bundle.Verify(context.Background(), dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// copyDir copies a flat bundle directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func failing() *evidence.Evidence { return evidencetest.Failing() }
