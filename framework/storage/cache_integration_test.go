package storage

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"gameday.io/gameday/framework"
)

// TestCacheWithVersitygw puts a real S3 server behind the cache and talks to
// the cache with the AWS SDK: signatures made for the cache's host verify at
// the backend, for writes, listings, misses and ETag revalidations alike.
func TestCacheWithVersitygw(t *testing.T) {
	s := startTestServer(t, "us-east1")
	ctx := context.Background()
	c := newTestCache(t, s.URL(), WithCacheTTL(0))
	ep := s.Endpoint()
	ep.URL = c.URL()
	viaCache, err := NewStore(ep, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := Seed(ctx, viaCache, testBuckets, DefaultModel(SeedVersion, time.Unix(0, 0))); err != nil {
		t.Fatalf("seed through the cache (signed PUTs pass through): %v", err)
	}
	reg := viaCache.Bucket(testBuckets.Model)
	for i := range 3 {
		if _, err := LoadModel(ctx, reg, DefaultModelKey); err != nil {
			t.Fatalf("load %d through the cache: %v", i, err)
		}
	}
	if objs, err := List(ctx, reg, ""); err != nil || len(objs) != 1 {
		t.Fatalf("list through the cache: %v %v", objs, err)
	}
	st := c.Stats()
	if st.Misses != 1 || st.Revalidated != 2 || st.BackendErrors != 0 {
		t.Fatalf("stats %+v: want 1 miss then 2 ETag revalidations accepted by versitygw", st)
	}

	// Storage outage: servers that already hold the model keep it, a server
	// loading a model the cache has not seen cannot.
	noRetry, err := newClient(ep, &http.Client{Timeout: 5 * time.Second}, func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PutModel(ctx, reg, "models/other/model.json", DefaultModel("v9", time.Unix(0, 0))); err != nil {
		t.Fatal(err)
	}
	if err := c.SetFault(FaultBackendError); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(ctx, reg, DefaultModelKey); err != nil {
		t.Errorf("cached model during backend outage: %v", err)
	}
	other := Bucket{Client: noRetry, Name: testBuckets.Model, Server: ep.URL}
	if _, err := LoadModel(ctx, other, "models/other/model.json"); err == nil || errors.Is(err, framework.ErrNotFound) {
		t.Errorf("uncached model during backend outage: %v, want a 503 failure", err)
	}
	c.ClearFault()
	if _, err := LoadModel(ctx, other, "models/other/model.json"); err != nil {
		t.Errorf("after the outage: %v", err)
	}
}
