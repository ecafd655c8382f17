package backup

import (
	"context"
	"fmt"
	"sync"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// DefaultVersionsPrefix is where the writer publishes model versions.
const DefaultVersionsPrefix = "models/default/versions/"

// Version is one model version the writer published.
type Version struct {
	Key         string    `json:"key"`
	Version     string    `json:"version"`
	PublishedAt time.Time `json:"publishedAt"`
	SHA256      string    `json:"sha256"`
}

// Writer publishes timestamped, checksummed model versions into the model
// registry at a fixed cadence of virtual time: each version under its own key
// (prefix + time + version), and the newest also at storage.DefaultModelKey,
// where inference servers load it. Safe for concurrent use.
type Writer struct {
	bucket storage.Bucket
	prefix string
	every  time.Duration
	epoch  time.Time

	mu        sync.Mutex
	published []Version
}

// NewWriter returns a writer into b publishing every `every` of virtual time,
// at instants aligned to epoch.
func NewWriter(b storage.Bucket, every time.Duration, epoch time.Time) (*Writer, error) {
	if every <= 0 {
		return nil, fmt.Errorf("writer cadence %s: must be positive: %w", every, framework.ErrInvalid)
	}
	return &Writer{bucket: b, prefix: DefaultVersionsPrefix, every: every, epoch: epoch.UTC()}, nil
}

// Due returns the first publication instant at or after t.
func (w *Writer) Due(t time.Time) time.Time {
	n := t.Sub(w.epoch) / w.every
	due := w.epoch.Add(n * w.every)
	for due.Before(t) {
		due = due.Add(w.every)
	}
	return due
}

// Every is the cadence.
func (w *Writer) Every() time.Duration { return w.every }

// Publish writes the next version, stamped at (virtual) time at.
func (w *Writer) Publish(ctx context.Context, at time.Time) (Version, error) {
	w.mu.Lock()
	n := len(w.published) + 1
	w.mu.Unlock()
	at = at.UTC()
	m := storage.DefaultModel(fmt.Sprintf("v%05d", n), at)
	for i := range m.Weights { // each version predicts differently
		m.Weights[i] += float64(n) / 1000
	}
	key := w.prefix + at.Format("20060102T150405Z") + "-" + m.Version + ".json"
	sha, err := storage.PutModel(ctx, w.bucket, key, m)
	if err != nil {
		return Version{}, fmt.Errorf("publish %s: %w", m.Version, err)
	}
	if _, err := storage.PutModel(ctx, w.bucket, storage.DefaultModelKey, m); err != nil {
		return Version{}, fmt.Errorf("publish %s as current: %w", m.Version, err)
	}
	v := Version{Key: key, Version: m.Version, PublishedAt: at, SHA256: sha}
	w.mu.Lock()
	w.published = append(w.published, v)
	w.mu.Unlock()
	return v, nil
}

// Published lists every version written, oldest first.
func (w *Writer) Published() []Version {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Version(nil), w.published...)
}

// IsVersionKey reports whether key is a version the writer publishes.
func (w *Writer) IsVersionKey(key string) bool {
	return len(key) > len(w.prefix) && key[:len(w.prefix)] == w.prefix
}
