package backup

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gameday.io/gameday/framework"
)

// Manifest keys in the backup bucket, as the CronJob writes them.
const (
	// ManifestKey is the newest backup's manifest.
	ManifestKey = "manifest.json"
	// manifestPrefix starts the dated copies, manifest-YYYYMMDD.json.
	manifestPrefix = "manifest-"
)

// DatedManifestKey is the CronJob's `manifest-$(date +%Y%m%d).json` for a
// backup taken at t (UTC, the container's zone).
func DatedManifestKey(t time.Time) string {
	return manifestPrefix + t.UTC().Format("20060102") + ".json"
}

// isManifestKey reports whether key is a manifest, not backed-up data.
func isManifestKey(key string) bool {
	return key == ManifestKey || (strings.HasPrefix(key, manifestPrefix) && strings.HasSuffix(key, ".json") && !strings.Contains(key, "/"))
}

// ManifestFormat is the version of the manifest format.
const ManifestFormat = 1

// Manifest lists what one backup holds, with checksums.
type Manifest struct {
	Format int `json:"format"`
	// Job is the schedule that took the backup (kind namespace/name) and
	// Schedule its cron expression.
	Job      string `json:"job"`
	Schedule string `json:"schedule"`
	// Source and Target are the synced buckets (server/bucket).
	Source string `json:"source"`
	Target string `json:"target"`
	// TakenAt is the (virtual) time the backup ran.
	TakenAt time.Time        `json:"takenAt"`
	Objects []ManifestObject `json:"objects"`
}

// ManifestObject is one backed-up object.
type ManifestObject struct {
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Encode returns the manifest as indented JSON.
func (m *Manifest) Encode() ([]byte, error) { return json.MarshalIndent(m, "", "  ") }

// ParseManifest decodes and validates a manifest: known format, a time, and
// every object with a unique non-empty key, a non-negative size and a
// SHA-256 in hex. Errors wrap framework.ErrInvalid.
func ParseManifest(b []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("backup manifest: %v: %w", err, framework.ErrInvalid)
	}
	if dec.More() {
		return nil, fmt.Errorf("backup manifest: data after the object: %w", framework.ErrInvalid)
	}
	if m.Format != ManifestFormat {
		return nil, fmt.Errorf("backup manifest: format %d, want %d: %w", m.Format, ManifestFormat, framework.ErrInvalid)
	}
	if m.TakenAt.IsZero() {
		return nil, fmt.Errorf("backup manifest: no takenAt: %w", framework.ErrInvalid)
	}
	seen := make(map[string]bool, len(m.Objects))
	for i, o := range m.Objects {
		switch {
		case o.Key == "":
			return nil, fmt.Errorf("backup manifest: objects[%d] has no key: %w", i, framework.ErrInvalid)
		case seen[o.Key]:
			return nil, fmt.Errorf("backup manifest: objects[%d] repeats key %q: %w", i, o.Key, framework.ErrInvalid)
		case o.Size < 0:
			return nil, fmt.Errorf("backup manifest: objects[%d] %q has size %d: %w", i, o.Key, o.Size, framework.ErrInvalid)
		case !isSHA256(o.SHA256):
			return nil, fmt.Errorf("backup manifest: objects[%d] %q has sha256 %q, want 64 hex digits: %w", i, o.Key, o.SHA256, framework.ErrInvalid)
		}
		seen[o.Key] = true
	}
	return &m, nil
}

func isSHA256(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
