package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"gameday.io/gameday/framework"
)

// Store is one S3 server (or service) as seen through a client.
type Store struct {
	// Client talks to the server.
	Client *s3.Client
	// URL identifies the server (its endpoint URL) in messages and decides
	// whether two buckets can use server-side CopyObject: equal non-empty
	// values mean the same server.
	URL string
}

// NewStore returns a Store for e with per-attempt timeout.
func NewStore(e Endpoint, timeout time.Duration) (Store, error) {
	c, err := NewClient(e, timeout)
	if err != nil {
		return Store{}, err
	}
	return Store{Client: c, URL: e.URL}, nil
}

// Bucket names a bucket of the store.
func (s Store) Bucket(name string) Bucket { return Bucket{Client: s.Client, Name: name, Server: s.URL} }

// Bucket names one bucket on one S3 server.
type Bucket struct {
	// Client talks to the server holding the bucket.
	Client *s3.Client
	// Name is the bucket name.
	Name string
	// Server is the store's URL (see Store.URL).
	Server string
}

func (b Bucket) String() string { return b.Server + "/" + b.Name }

// ObjectInfo is one listed object.
type ObjectInfo struct {
	Key          string    `json:"key"`
	Size         int64     `json:"size"`
	ETag         string    `json:"etag"`
	LastModified time.Time `json:"lastModified"`
}

// Object is an object's content and user metadata.
type Object struct {
	ObjectInfo
	Body        []byte
	ContentType string
	Metadata    map[string]string
}

// IsNotFound reports whether err is S3's NoSuchBucket, NoSuchKey or NotFound.
func IsNotFound(err error) bool {
	var nb *types.NoSuchBucket
	var nk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nb) || errors.As(err, &nk) || errors.As(err, &nf) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "NoSuchBucket" || api.ErrorCode() == "NoSuchKey" || api.ErrorCode() == "NotFound")
}

// notFound rewraps an S3 not-found error with framework.ErrNotFound.
func notFound(err error, what string) error {
	if IsNotFound(err) {
		return fmt.Errorf("%s: %w: %w", what, framework.ErrNotFound, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// EnsureBucket creates the bucket unless it exists.
func EnsureBucket(ctx context.Context, b Bucket) error {
	_, err := b.Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b.Name)})
	var owned *types.BucketAlreadyOwnedByYou
	var exists *types.BucketAlreadyExists
	if err == nil || errors.As(err, &owned) || errors.As(err, &exists) {
		return nil
	}
	return fmt.Errorf("create bucket %s: %w", b, err)
}

// BucketExists reports whether the bucket exists (false, nil when it does not).
func BucketExists(ctx context.Context, b Bucket) (bool, error) {
	_, err := b.Client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b.Name)})
	if err == nil {
		return true, nil
	}
	if IsNotFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("head bucket %s: %w", b, err)
}

// List returns every object under prefix, in key order.
func List(ctx context.Context, b Bucket, prefix string) ([]ObjectInfo, error) {
	var out []ObjectInfo
	p := s3.NewListObjectsV2Paginator(b.Client, &s3.ListObjectsV2Input{Bucket: aws.String(b.Name), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, notFound(err, "list "+b.String())
		}
		for _, o := range page.Contents {
			out = append(out, ObjectInfo{
				Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size),
				ETag: strings.Trim(aws.ToString(o.ETag), `"`), LastModified: aws.ToTime(o.LastModified),
			})
		}
	}
	return out, nil
}

// Get reads an object with its metadata.
func Get(ctx context.Context, b Bucket, key string) (*Object, error) {
	r, err := b.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	if err != nil {
		return nil, notFound(err, "get "+b.String()+"/"+key)
	}
	defer r.Body.Close()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("read %s/%s: %w", b, key, err)
	}
	return &Object{
		ObjectInfo: ObjectInfo{
			Key: key, Size: int64(len(body)),
			ETag: strings.Trim(aws.ToString(r.ETag), `"`), LastModified: aws.ToTime(r.LastModified),
		},
		Body: body, ContentType: aws.ToString(r.ContentType), Metadata: r.Metadata,
	}, nil
}

// Head returns an object's size, ETag and metadata without its content.
func Head(ctx context.Context, b Bucket, key string) (*Object, error) {
	r, err := b.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	if err != nil {
		return nil, notFound(err, "head "+b.String()+"/"+key)
	}
	return &Object{
		ObjectInfo: ObjectInfo{
			Key: key, Size: aws.ToInt64(r.ContentLength),
			ETag: strings.Trim(aws.ToString(r.ETag), `"`), LastModified: aws.ToTime(r.LastModified),
		},
		ContentType: aws.ToString(r.ContentType), Metadata: r.Metadata,
	}, nil
}

// Put writes an object; meta becomes x-amz-meta-* headers.
func Put(ctx context.Context, b Bucket, key string, body []byte, contentType string, meta map[string]string) error {
	in := &s3.PutObjectInput{
		Bucket: aws.String(b.Name), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))), Metadata: meta,
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if _, err := b.Client.PutObject(ctx, in); err != nil {
		return notFound(err, "put "+b.String()+"/"+key)
	}
	return nil
}

// Copy copies src/key to dst/dstKey on the same server (CopyObject), keeping
// the metadata.
func Copy(ctx context.Context, src Bucket, key string, dst Bucket, dstKey string) error {
	_, err := dst.Client.CopyObject(ctx, &s3.CopyObjectInput{
		Bucket: aws.String(dst.Name), Key: aws.String(dstKey),
		CopySource: aws.String(src.Name + "/" + key), MetadataDirective: types.MetadataDirectiveCopy,
	})
	if err != nil {
		return notFound(err, "copy "+src.String()+"/"+key+" to "+dst.String()+"/"+dstKey)
	}
	return nil
}

// Delete removes objects; missing ones are not an error.
func Delete(ctx context.Context, b Bucket, keys ...string) error {
	for _, k := range keys {
		if _, err := b.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.Name), Key: aws.String(k)}); err != nil && !IsNotFound(err) {
			return fmt.Errorf("delete %s/%s: %w", b, k, err)
		}
	}
	return nil
}

// Empty deletes every object of the bucket (a missing bucket is empty).
func Empty(ctx context.Context, b Bucket) error {
	objs, err := List(ctx, b, "")
	if errors.Is(err, framework.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	return Delete(ctx, b, keys...)
}

// DeleteBucket empties and removes the bucket (a missing bucket is not an error).
func DeleteBucket(ctx context.Context, b Bucket) error {
	if err := Empty(ctx, b); err != nil {
		return err
	}
	if _, err := b.Client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(b.Name)}); err != nil && !IsNotFound(err) {
		return fmt.Errorf("delete bucket %s: %w", b, err)
	}
	return nil
}
