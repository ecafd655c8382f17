package bundle_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"gameday.io/gameday/framework/evidence/evidencetest"
	"gameday.io/gameday/reports/bundle"
)

// FuzzVerifyAttestation: whatever the attestation file holds, Verify does
// not panic, and anything but the signed bytes is reported against it.
func FuzzVerifyAttestation(f *testing.F) {
	k, err := bundle.GenerateKey()
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	if _, err := bundle.Write(context.Background(), dir, evidencetest.Passing(), bundle.WithKey(k)); err != nil {
		f.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(dir, bundle.AttestationFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(orig)
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}` + "\n"))
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, bundle.AttestationFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := bundle.Verify(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(data, orig) != rep.OK() {
			t.Fatalf("attestation %q: OK=%v, problems %v", data, rep.OK(), rep.Problems)
		}
	})
}
