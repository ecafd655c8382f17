package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"gameday.io/gameday/framework"
)

// Keys of model artifacts. The buckets are the platform's (Buckets).
const (
	// DefaultModelKey is the artifact every inference server loads at start.
	DefaultModelKey = "models/default/model.json"
	// MetaSHA256 is the object metadata key holding the artifact's checksum
	// (sent as x-amz-meta-sha256).
	MetaSHA256 = "sha256"
)

// Model is a model artifact: a linear model small enough to load in
// milliseconds yet real enough that predictions depend on what was loaded.
type Model struct {
	Name        string    `json:"name"`
	Version     string    `json:"version"`
	PublishedAt time.Time `json:"publishedAt"`
	Weights     []float64 `json:"weights"`
	Bias        float64   `json:"bias"`
}

// Predict returns weights·x + bias for one instance.
func (m *Model) Predict(x []float64) (float64, error) {
	if len(x) != len(m.Weights) {
		return 0, fmt.Errorf("instance has %d features, model %s/%s wants %d: %w", len(x), m.Name, m.Version, len(m.Weights), framework.ErrInvalid)
	}
	y := m.Bias
	for i, w := range m.Weights {
		y += w * x[i]
	}
	return y, nil
}

// Encode returns the artifact bytes and their SHA-256 (hex).
func (m *Model) Encode() ([]byte, string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, "", err
	}
	return b, Checksum(b), nil
}

// DecodeModel parses an artifact; wantSHA256, when not empty, must match.
func DecodeModel(b []byte, wantSHA256 string) (*Model, error) {
	if wantSHA256 != "" {
		if got := Checksum(b); got != wantSHA256 {
			return nil, fmt.Errorf("model artifact checksum %s does not match %s: %w", got, wantSHA256, ErrChecksum)
		}
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode model artifact: %w", err)
	}
	if m.Name == "" || len(m.Weights) == 0 {
		return nil, fmt.Errorf("model artifact has no name or weights: %w", framework.ErrInvalid)
	}
	return &m, nil
}

// DefaultModel returns the model seeded at `gameday up`: four features, as in
// the runbook's {"instances": [[1,2,3,4]]}.
func DefaultModel(version string, at time.Time) *Model {
	return &Model{Name: "default", Version: version, PublishedAt: at.UTC(), Weights: []float64{0.1, 0.2, 0.3, 0.4}, Bias: 0.5}
}

// Checksum is the hex SHA-256 of b.
func Checksum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ErrChecksum marks an object whose content does not match its recorded checksum.
var ErrChecksum = fmt.Errorf("checksum mismatch")
