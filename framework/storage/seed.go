package storage

import (
	"context"
	"fmt"
	"time"
)

// ContentTypeModel is the content type of model artifacts.
const ContentTypeModel = "application/json"

// MetaPublishedAt is the object metadata key holding a model version's
// publication time (RFC 3339, UTC).
const MetaPublishedAt = "published-at"

// ModelMetadata returns the object metadata recorded with an artifact.
func ModelMetadata(sha string, m *Model) map[string]string {
	return map[string]string{MetaSHA256: sha, MetaPublishedAt: m.PublishedAt.UTC().Format(time.RFC3339Nano)}
}

// PutModel writes m to b/key with its SHA-256 and publication time as
// metadata, and returns the checksum.
func PutModel(ctx context.Context, b Bucket, key string, m *Model) (string, error) {
	body, sha, err := m.Encode()
	if err != nil {
		return "", fmt.Errorf("encode model %s/%s: %w", m.Name, m.Version, err)
	}
	if err := Put(ctx, b, key, body, ContentTypeModel, ModelMetadata(sha, m)); err != nil {
		return "", err
	}
	return sha, nil
}

// LoadModel reads and decodes the artifact at b/key, checking its content
// against the sha256 metadata (ErrChecksum on mismatch, framework.ErrNotFound
// when bucket or key are missing).
func LoadModel(ctx context.Context, b Bucket, key string) (*Model, error) {
	o, err := Get(ctx, b, key)
	if err != nil {
		return nil, err
	}
	m, err := DecodeModel(o.Body, o.Metadata[MetaSHA256])
	if err != nil {
		return nil, fmt.Errorf("model %s/%s: %w", b, key, err)
	}
	return m, nil
}

// SeedVersion is the version of the model seeded at `gameday up`.
const SeedVersion = "v1"

// Seed prepares one region's storage the way `gameday up` leaves it: the
// platform's model and backup buckets exist and, when model is not nil, it
// is stored at DefaultModelKey in the model bucket. Seeding twice overwrites
// the model. Invalid bucket names are an error wrapping framework.ErrInvalid.
func Seed(ctx context.Context, st Store, b Buckets, model *Model) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("seed %s: %w", st.URL, err)
	}
	for _, name := range []string{b.Model, b.Backup} {
		if err := EnsureBucket(ctx, st.Bucket(name)); err != nil {
			return fmt.Errorf("seed %s: %w", st.URL, err)
		}
	}
	if model == nil {
		return nil
	}
	if _, err := PutModel(ctx, st.Bucket(b.Model), DefaultModelKey, model); err != nil {
		return fmt.Errorf("seed %s: %w", st.URL, err)
	}
	return nil
}
