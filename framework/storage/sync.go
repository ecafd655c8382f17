package storage

import (
	"context"
	"fmt"
	"maps"
	"time"
)

// SyncOptions tune Sync. The zero value syncs the whole bucket like
// `aws s3 sync` without --delete.
type SyncOptions struct {
	// Prefix limits the sync to keys under it.
	Prefix string
	// Delete removes destination objects the source no longer has.
	Delete bool
	// Checksums fills SyncedObject.SHA256 for every object, also unchanged
	// ones (from their sha256 metadata, else from their content).
	Checksums bool
}

// SyncAction says what Sync did with one object.
type SyncAction string

const (
	SyncCopied    SyncAction = "copied"
	SyncUnchanged SyncAction = "unchanged"
)

// SyncedObject is one source object after a sync.
type SyncedObject struct {
	ObjectInfo
	// SHA256 of the content (hex); empty for unchanged objects unless
	// SyncOptions.Checksums was set.
	SHA256 string     `json:"sha256,omitempty"`
	Action SyncAction `json:"action"`
}

// CorruptObject is an object whose content does not match its recorded
// checksum or size; it is reported, never copied or restored.
type CorruptObject struct {
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// SyncReport is what one Sync did.
type SyncReport struct {
	Started  time.Time      `json:"started"`
	Duration time.Duration  `json:"duration"`
	Objects  []SyncedObject `json:"objects"`
	Copied   int            `json:"copied"`
	Deleted  int            `json:"deleted"`
	// Corrupt lists source objects whose content did not match their sha256
	// metadata; they were not copied.
	Corrupt []CorruptObject `json:"corrupt,omitempty"`
}

// Sync makes dst hold every object of src (new or changed by size or ETag),
// like `aws s3 sync`: with server-side CopyObject when both buckets are on the
// same server, else by reading and writing, verifying content against the
// sha256 metadata on the way. Objects are handled in key order; the first
// error stops the sync (the report says what was done until then).
func Sync(ctx context.Context, src, dst Bucket, opts SyncOptions) (*SyncReport, error) {
	rep := &SyncReport{Started: time.Now()}
	defer func() { rep.Duration = time.Since(rep.Started) }()
	srcObjs, err := List(ctx, src, opts.Prefix)
	if err != nil {
		return rep, fmt.Errorf("sync %s to %s: %w", src, dst, err)
	}
	dstObjs, err := List(ctx, dst, opts.Prefix)
	if err != nil {
		return rep, fmt.Errorf("sync %s to %s: %w", src, dst, err)
	}
	have := make(map[string]ObjectInfo, len(dstObjs))
	for _, o := range dstObjs {
		have[o.Key] = o
	}
	for _, o := range srcObjs {
		d, ok := have[o.Key]
		delete(have, o.Key)
		so := SyncedObject{ObjectInfo: o, Action: SyncUnchanged}
		if ok && d.Size == o.Size && d.ETag == o.ETag {
			if opts.Checksums {
				if so.SHA256, err = objectSHA256(ctx, dst, o.Key); err != nil {
					return rep, fmt.Errorf("sync %s to %s: %w", src, dst, err)
				}
			}
			rep.Objects = append(rep.Objects, so)
			continue
		}
		sha, corrupt, err := copyObject(ctx, src, dst, o.Key)
		if err != nil {
			return rep, fmt.Errorf("sync %s to %s: %w", src, dst, err)
		}
		if corrupt != "" {
			rep.Corrupt = append(rep.Corrupt, CorruptObject{Key: o.Key, Reason: corrupt})
			continue
		}
		so.SHA256, so.Action = sha, SyncCopied
		rep.Objects = append(rep.Objects, so)
		rep.Copied++
	}
	if opts.Delete {
		for k := range have {
			if err := Delete(ctx, dst, k); err != nil {
				return rep, fmt.Errorf("sync %s to %s: %w", src, dst, err)
			}
			rep.Deleted++
		}
	}
	return rep, nil
}

// copyObject copies one object and returns its SHA-256, or a reason when the
// source content does not match its sha256 metadata (then nothing is copied).
func copyObject(ctx context.Context, src, dst Bucket, key string) (sha, corrupt string, err error) {
	if src.Server != "" && src.Server == dst.Server {
		if err := Copy(ctx, src, key, dst, key); err != nil {
			return "", "", err
		}
		sha, err := objectSHA256(ctx, dst, key)
		return sha, "", err
	}
	o, err := Get(ctx, src, key)
	if err != nil {
		return "", "", err
	}
	sha = Checksum(o.Body)
	if want := o.Metadata[MetaSHA256]; want != "" && want != sha {
		return "", fmt.Sprintf("content sha256 %s does not match its metadata %s (%d bytes)", sha, want, len(o.Body)), nil
	}
	meta := maps.Clone(o.Metadata)
	if meta == nil {
		meta = map[string]string{}
	}
	meta[MetaSHA256] = sha
	return sha, "", Put(ctx, dst, key, o.Body, o.ContentType, meta)
}

// objectSHA256 returns an object's checksum from its metadata, else from its
// content.
func objectSHA256(ctx context.Context, b Bucket, key string) (string, error) {
	h, err := Head(ctx, b, key)
	if err != nil {
		return "", err
	}
	if sha := h.Metadata[MetaSHA256]; sha != "" {
		return sha, nil
	}
	o, err := Get(ctx, b, key)
	if err != nil {
		return "", err
	}
	return Checksum(o.Body), nil
}
