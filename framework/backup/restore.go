package backup

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// RestoreReport says what a restore brought back.
type RestoreReport struct {
	// ManifestKey names the manifest restored from; TakenAt is its backup time.
	ManifestKey string    `json:"manifestKey"`
	TakenAt     time.Time `json:"takenAt"`
	// Restored lists objects written to the target and verified there.
	Restored []ManifestObject `json:"restored"`
	// Corrupt lists backup objects that failed verification (missing,
	// truncated, wrong checksum); they were not restored.
	Corrupt []storage.CorruptObject `json:"corrupt,omitempty"`
	// Duration is the real time the restore took, verification included.
	Duration time.Duration `json:"duration"`
}

// Restore copies the newest backup in backup (per its manifest) into target.
// Every object is checked against the manifest's size and SHA-256 before it
// is written and read back and checked again after: an object that fails is
// reported in Corrupt and is not (or no longer) in target. A missing backup
// bucket or manifest is an error wrapping framework.ErrNotFound; an unreadable
// manifest one wrapping storage.ErrChecksum.
func Restore(ctx context.Context, backup, target storage.Bucket) (*RestoreReport, error) {
	start := time.Now()
	m, key, err := LatestManifest(ctx, backup)
	if err != nil {
		return nil, fmt.Errorf("restore from %s: %w", backup, err)
	}
	if err := storage.EnsureBucket(ctx, target); err != nil {
		return nil, fmt.Errorf("restore into %s: %w", target, err)
	}
	rep := &RestoreReport{ManifestKey: key, TakenAt: m.TakenAt}
	for _, want := range m.Objects {
		o, err := storage.Get(ctx, backup, want.Key)
		if errors.Is(err, framework.ErrNotFound) {
			rep.Corrupt = append(rep.Corrupt, storage.CorruptObject{Key: want.Key, Reason: "missing from the backup"})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("restore from %s: %w", backup, err)
		}
		if reason := verify(o.Body, want); reason != "" {
			rep.Corrupt = append(rep.Corrupt, storage.CorruptObject{Key: want.Key, Reason: "backup copy " + reason})
			continue
		}
		meta := maps.Clone(o.Metadata)
		if meta == nil {
			meta = map[string]string{}
		}
		meta[storage.MetaSHA256] = want.SHA256
		if err := storage.Put(ctx, target, want.Key, o.Body, o.ContentType, meta); err != nil {
			return nil, fmt.Errorf("restore into %s: %w", target, err)
		}
		rep.Restored = append(rep.Restored, want)
	}
	// Read every restored object back: what the DR region serves is what
	// the backup held.
	verified := rep.Restored[:0]
	for _, want := range rep.Restored {
		o, err := storage.Get(ctx, target, want.Key)
		if err != nil {
			return nil, fmt.Errorf("verify restored %s: %w", want.Key, err)
		}
		if reason := verify(o.Body, want); reason != "" {
			rep.Corrupt = append(rep.Corrupt, storage.CorruptObject{Key: want.Key, Reason: "restored copy " + reason})
			if err := storage.Delete(ctx, target, want.Key); err != nil {
				return nil, err
			}
			continue
		}
		verified = append(verified, want)
	}
	rep.Restored = verified
	rep.Duration = time.Since(start)
	return rep, nil
}

// verify returns why body is not the manifest's object, or "".
func verify(body []byte, want ManifestObject) string {
	switch got := int64(len(body)); {
	case got < want.Size:
		return fmt.Sprintf("truncated: %d of %d bytes", got, want.Size)
	case got != want.Size:
		return fmt.Sprintf("has %d bytes, the manifest says %d", got, want.Size)
	}
	if sha := storage.Checksum(body); sha != want.SHA256 {
		return fmt.Sprintf("sha256 %s does not match the manifest's %s", sha, want.SHA256)
	}
	return ""
}

// LatestManifest returns the newest manifest in a backup bucket: manifest.json,
// else the newest dated manifest-YYYYMMDD.json.
func LatestManifest(ctx context.Context, backup storage.Bucket) (*Manifest, string, error) {
	ok, err := storage.BucketExists(ctx, backup)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", fmt.Errorf("backup bucket %s does not exist, there is nothing to restore: %w", backup, framework.ErrNotFound)
	}
	key := ManifestKey
	o, err := storage.Get(ctx, backup, key)
	if errors.Is(err, framework.ErrNotFound) {
		objs, lerr := storage.List(ctx, backup, manifestPrefix)
		if lerr != nil {
			return nil, "", lerr
		}
		var dated []string
		for _, d := range objs {
			if isManifestKey(d.Key) {
				dated = append(dated, d.Key)
			}
		}
		if len(dated) == 0 {
			return nil, "", fmt.Errorf("backup bucket %s holds no manifest (%s or %sYYYYMMDD.json): no backup was taken: %w", backup, ManifestKey, manifestPrefix, framework.ErrNotFound)
		}
		key = slices.Max(dated)
		o, err = storage.Get(ctx, backup, key)
	}
	if err != nil {
		return nil, "", err
	}
	if want := o.Metadata[storage.MetaSHA256]; want != "" && want != storage.Checksum(o.Body) {
		return nil, "", fmt.Errorf("backup manifest %s/%s does not match its checksum: %w", backup, key, storage.ErrChecksum)
	}
	m, err := ParseManifest(o.Body)
	if err != nil {
		return nil, "", fmt.Errorf("backup manifest %s/%s is unreadable (%v): %w", backup, key, err, storage.ErrChecksum)
	}
	return m, key, nil
}
