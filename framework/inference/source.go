package inference

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// ModelSource fetches the model artifact a server loads at start.
type ModelSource interface {
	// Fetch downloads and verifies the artifact once (no retries: the server
	// retries). Its error text becomes the readiness reason, so it should say
	// what went wrong in an operator's words, e.g. "NoSuchKey: s3://...".
	Fetch(ctx context.Context) (*storage.Model, error)
	// String names the artifact: s3://BUCKET/KEY, the platform's model bucket
	// and the artifact's key.
	String() string
}

// MaxArtifactSize bounds the artifact download.
const MaxArtifactSize = 64 << 20

// S3Source reads the artifact from an S3-compatible store and verifies its
// checksum against the object's x-amz-meta-sha256 metadata.
type S3Source struct {
	client      *s3.Client
	endpoint    string
	bucket, key string
}

var _ ModelSource = (*S3Source)(nil)

// NewS3Source returns a source for s3://bucket/key at endpoint. attemptTimeout
// bounds one download attempt (0: only the caller's context bounds it).
func NewS3Source(ep storage.Endpoint, bucket, key string, attemptTimeout time.Duration) (*S3Source, error) {
	if bucket == "" || key == "" {
		return nil, fmt.Errorf("model source: bucket %q and key %q must both be set: %w", bucket, key, framework.ErrInvalid)
	}
	c, err := storage.NewClient(ep, attemptTimeout)
	if err != nil {
		return nil, fmt.Errorf("model source: %w", err)
	}
	return &S3Source{client: c, endpoint: ep.URL, bucket: bucket, key: key}, nil
}

func (s *S3Source) String() string { return "s3://" + s.bucket + "/" + s.key }

// Fetch downloads the artifact once; the SDK's own retries are turned off so
// that the server's retry loop sees, and reports, every failure.
func (s *S3Source) Fetch(ctx context.Context) (*storage.Model, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &s.key},
		func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		return nil, s.describe(err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, MaxArtifactSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s, err)
	}
	if len(b) > MaxArtifactSize {
		return nil, fmt.Errorf("%s is larger than %d bytes: %w", s, MaxArtifactSize, framework.ErrInvalid)
	}
	sum := out.Metadata[storage.MetaSHA256]
	if sum == "" {
		return nil, fmt.Errorf("%s has no x-amz-meta-%s metadata to verify it against: %w", s, storage.MetaSHA256, storage.ErrChecksum)
	}
	m, err := storage.DecodeModel(b, sum)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s, err)
	}
	return m, nil
}

// describe turns an SDK error into "Code: s3://bucket/key: message" or
// "storage unreachable at URL: dial ...", keeping the cause for errors.Is/As.
func (s *S3Source) describe(err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		msg := api.ErrorCode() + ": " + s.String()
		if m := api.ErrorMessage(); m != "" {
			msg += ": " + m
		}
		return &fetchError{msg: msg, err: err}
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return &fetchError{msg: fmt.Sprintf("storage unreachable at %s: %v", s.endpoint, op), err: err}
	}
	return fmt.Errorf("get %s: %w", s, err)
}

// fetchError keeps the SDK's error for errors.Is/As behind a short message.
type fetchError struct {
	msg string
	err error
}

func (e *fetchError) Error() string { return e.msg }
func (e *fetchError) Unwrap() error { return e.err }

// StaticSource serves a model already in memory (tests, benchmarks).
type StaticSource struct{ Model *storage.Model }

var _ ModelSource = StaticSource{}

// Fetch returns the model.
func (s StaticSource) Fetch(context.Context) (*storage.Model, error) {
	if s.Model == nil {
		return nil, fmt.Errorf("static source has no model: %w", framework.ErrNotFound)
	}
	return s.Model, nil
}

func (s StaticSource) String() string { return "memory" }
