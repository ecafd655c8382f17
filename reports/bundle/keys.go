package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/secure-systems-lab/go-securesystemslib/signerverifier"

	"gameday.io/gameday/framework"
)

// Key is an ed25519 signing key.
type Key struct {
	private ed25519.PrivateKey
	sv      *signerverifier.ED25519SignerVerifier
}

// GenerateKey returns a fresh ed25519 key.
func GenerateKey() (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	return newKey(priv)
}

func newKey(priv ed25519.PrivateKey) (*Key, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	ssl, err := signerverifier.LoadKey(pem.EncodeToMemory(&pem.Block{Type: signerverifier.PrivateKeyPEM, Bytes: der}))
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	sv, err := signerverifier.NewED25519SignerVerifierFromSSLibKey(ssl)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return &Key{private: priv, sv: sv}, nil
}

// ReadKey reads a PEM (PKCS#8) ed25519 private key.
func ReadKey(path string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("signing key %s: %w", path, framework.ErrNotFound)
		}
		return nil, fmt.Errorf("signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != signerverifier.PrivateKeyPEM {
		return nil, fmt.Errorf("signing key %s: want a PEM %q block: %w", path, signerverifier.PrivateKeyPEM, framework.ErrInvalid)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %v: %w", path, err, framework.ErrInvalid)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: a %T, want ed25519: %w", path, k, framework.ErrInvalid)
	}
	return newKey(priv)
}

// LoadOrCreateKey reads the key at path, or generates one and writes it
// there (mode 0600) when the file does not exist; created says which.
// Use it for a key kept per environment (in its state directory).
func LoadOrCreateKey(path string) (k *Key, created bool, err error) {
	k, err = ReadKey(path)
	if err == nil || !errors.Is(err, framework.ErrNotFound) {
		return k, false, err
	}
	if k, err = GenerateKey(); err != nil {
		return nil, false, err
	}
	if err := k.WritePrivate(path); err != nil {
		return nil, false, err
	}
	return k, true, nil
}

// WritePrivate writes the private key as PEM PKCS#8 to path, mode 0600; it
// refuses to overwrite a file.
func (k *Key) WritePrivate(path string) error {
	der, err := x509.MarshalPKCS8PrivateKey(k.private)
	if err != nil {
		return fmt.Errorf("write signing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write signing key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("write signing key %s: %w", path, framework.ErrExists)
		}
		return fmt.Errorf("write signing key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: signerverifier.PrivateKeyPEM, Bytes: der}); err != nil {
		f.Close()
		return fmt.Errorf("write signing key: %w", err)
	}
	return f.Close()
}

// ID is the key's securesystemslib key id (hex SHA-256 of its canonical
// public form); envelopes name their signer by it.
func (k *Key) ID() string { return keyID(k.sv) }

// PublicPEM is the public key as PEM (PKIX), as written to signing-key.pub.
func (k *Key) PublicPEM() []byte { return publicPEM(k.private.Public().(ed25519.PublicKey)) }

func publicPEM(pub ed25519.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub) // never fails for ed25519
	return pem.EncodeToMemory(&pem.Block{Type: signerverifier.PublicKeyPEM, Bytes: der})
}

// verifier parses a public key PEM into a DSSE verifier. When strict (a
// bundle's own key file), the bytes must be exactly as PublicPEM writes
// them: anything else is a modified file.
func verifier(data []byte, strict bool) (*signerverifier.ED25519SignerVerifier, error) {
	block, rest := pem.Decode(data)
	if block == nil || block.Type != signerverifier.PublicKeyPEM {
		return nil, fmt.Errorf("not a PEM %q block", signerverifier.PublicKeyPEM)
	}
	if strict && len(rest) != 0 {
		return nil, errors.New("trailing data after the PEM block")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	edPub, ok := pub.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T key, want ed25519", pub)
	}
	if strict && !bytes.Equal(publicPEM(edPub), data) {
		return nil, errors.New("not in the canonical PEM form gameday writes: modified")
	}
	ssl, err := signerverifier.LoadKey(publicPEM(edPub))
	if err != nil {
		return nil, err
	}
	return signerverifier.NewED25519SignerVerifierFromSSLibKey(ssl)
}

// ReadPublicKey reads a public key file (PEM PKIX ed25519) and returns its key id.
func ReadPublicKey(path string) (pemData []byte, id string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", fmt.Errorf("public key %s: %w", path, framework.ErrNotFound)
		}
		return nil, "", fmt.Errorf("public key: %w", err)
	}
	v, err := verifier(data, false)
	if err != nil {
		return nil, "", fmt.Errorf("public key %s: %v: %w", path, err, framework.ErrInvalid)
	}
	return data, keyID(v), nil
}

func keyID(v *signerverifier.ED25519SignerVerifier) string {
	id, _ := v.KeyID() // never fails for this verifier
	return id
}
