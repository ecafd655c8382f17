package evidence_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
)

func TestHashFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "abc.yaml")
	if err := os.WriteFile(p, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	const sha256abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	ds, err := evidence.HashFiles(p)
	if err != nil {
		t.Fatal(err)
	}
	if ds[0].SHA256 != sha256abc || ds[0].Size != 3 || ds[0].Path != p {
		t.Errorf("HashFiles = %+v", ds[0])
	}
	if d := evidence.HashBytes("x", []byte("abc")); d.SHA256 != sha256abc {
		t.Errorf("HashBytes = %+v", d)
	}
	if _, err := evidence.HashFiles(p, filepath.Join(dir, "missing")); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing file: %v, want ErrNotFound", err)
	}
}
