package bundle_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/reports/bundle"
)

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env", "signing.key")
	k1, created, err := bundle.LoadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("first call: created=%v err=%v", created, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	k2, created, err := bundle.LoadOrCreateKey(path)
	if err != nil || created || k2.ID() != k1.ID() {
		t.Fatalf("second call: created=%v err=%v id %s vs %s", created, err, k2.ID(), k1.ID())
	}
	if err := k1.WritePrivate(path); !errors.Is(err, framework.ErrExists) {
		t.Errorf("overwrite: %v, want ErrExists", err)
	}
	pubPath := filepath.Join(t.TempDir(), "k.pub")
	if err := os.WriteFile(pubPath, k1.PublicPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, id, err := bundle.ReadPublicKey(pubPath); err != nil || id != k1.ID() {
		t.Errorf("ReadPublicKey: id %s err %v, want %s", id, err, k1.ID())
	}
}

func TestReadKeyRejects(t *testing.T) {
	dir := t.TempDir()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"garbage.key": []byte("not a key"),
		"ecdsa.key":   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		"public.key":  mustKey(t).PublicPEM(),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := bundle.ReadKey(p); !errors.Is(err, framework.ErrInvalid) {
				t.Errorf("ReadKey(%s) = %v, want ErrInvalid", name, err)
			}
		})
	}
	if _, err := bundle.ReadKey(filepath.Join(dir, "missing")); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing key: %v, want ErrNotFound", err)
	}
}

func mustKey(t *testing.T) *bundle.Key {
	t.Helper()
	k, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
