package storage

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
)

// GenerateCredentials returns fresh random root credentials for one
// environment's S3 servers: an access key in the AWS shape (20 upper-case
// characters) and a 40-character secret key.
func GenerateCredentials() (accessKey, secretKey string, err error) {
	b := make([]byte, 12+30)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("generate s3 credentials: %w", err)
	}
	accessKey = "GD" + base32.StdEncoding.EncodeToString(b[:12])[:18]
	secretKey = base64.RawURLEncoding.EncodeToString(b[12:])
	return accessKey, secretKey, nil
}

// inUse reports whether a server log says its listen address was taken.
func inUse(log []byte) bool {
	return bytes.Contains(log, []byte("address already in use"))
}
