package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"gameday.io/gameday/framework"
)

// HashFile returns the SHA-256 digest of a file, recorded under path as given.
func HashFile(path string) (FileDigest, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return FileDigest{}, fmt.Errorf("hash %s: %w", path, framework.ErrNotFound)
		}
		return FileDigest{}, fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileDigest{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return FileDigest{Path: path, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

// HashBytes returns the digest of data recorded under name (for embedded fixtures).
func HashBytes(name string, data []byte) FileDigest {
	sum := sha256.Sum256(data)
	return FileDigest{Path: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

// HashFiles digests files in order.
func HashFiles(paths ...string) ([]FileDigest, error) {
	out := make([]FileDigest, 0, len(paths))
	for _, p := range paths {
		d, err := HashFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
