package local

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func TestServingCertIsValidFor127001(t *testing.T) {
	dir := t.TempDir()
	ca, err := writeServingCert(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"))
	if err != nil {
		t.Fatalf("controller-runtime could not load the pair: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		t.Fatal("CA bundle is not PEM")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "127.0.0.1"}); err != nil {
		t.Errorf("the API server would reject the webhook certificate: %v", err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "10.0.0.1"}); err == nil {
		t.Error("certificate verifies for an address it was not made for")
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	notExec := filepath.Join(t.TempDir(), "chaos-controller-manager")
	if err := os.WriteFile(notExec, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"no binary", Config{Kubeconfig: "k", Dir: t.TempDir()}, framework.ErrInvalid},
		{"no kubeconfig", Config{Binary: notExec, Dir: t.TempDir()}, framework.ErrInvalid},
		{"missing binary", Config{Binary: "/nonexistent/chaos-controller-manager", Kubeconfig: "k", Dir: t.TempDir()}, framework.ErrMissingBinary},
		{"binary not executable", Config{Binary: notExec, Kubeconfig: "k", Dir: t.TempDir()}, framework.ErrMissingBinary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Start(context.Background(), tt.cfg); !errors.Is(err, tt.want) {
				t.Fatalf("Start = %v, want %v", err, tt.want)
			}
		})
	}
}
