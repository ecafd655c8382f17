package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

// eventually polls cond every 20 ms until it holds or the deadline passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not within %s", what, timeout)
		case <-tick.C:
		}
	}
}

func TestReplicator(t *testing.T) {
	ctx := context.Background()
	primary, dr := startTestServer(t, "us-east1"), startTestServer(t, "eu-west1")
	src, dst := testBucket(t, primary, testBuckets.Model), testBucket(t, dr, testBuckets.Model)
	r, err := NewReplicator(primary.Endpoint(), dr.Endpoint(), testBuckets.Model, WithReplicationInterval(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); r.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	present := func(key string) func() bool {
		return func() bool { _, err := Head(ctx, dst, key); return err == nil }
	}
	if _, err := PutModel(ctx, src, DefaultModelKey, DefaultModel("v1", time.Unix(0, 0))); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "v1 replicated", present(DefaultModelKey))

	r.SetPartitioned(true)
	if _, err := PutModel(ctx, src, "models/v2.json", DefaultModel("v2", time.Unix(1, 0))); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "replication fails during the partition", func() bool { return r.Status().ConsecutiveFailures >= 3 })
	if _, err := Head(ctx, dst, "models/v2.json"); !errors.Is(err, framework.ErrNotFound) {
		t.Fatalf("v2 reached the DR region through a partition: %v", err)
	}
	st := r.Status()
	if !st.Partitioned || st.LastError == "" || st.Lag < 100*time.Millisecond {
		t.Errorf("status during partition %+v", st)
	}
	if _, err := r.SyncOnce(ctx); !errors.Is(err, ErrPartitioned) {
		t.Errorf("pass during partition: %v, want ErrPartitioned", err)
	}

	r.SetPartitioned(false)
	eventually(t, 5*time.Second, "v2 replicated after the partition", present("models/v2.json"))
	eventually(t, 5*time.Second, "status recovers", func() bool {
		s := r.Status()
		return s.ConsecutiveFailures == 0 && s.LastError == "" && s.ObjectsCopied >= 2
	})
	if m, err := LoadModel(ctx, dst, "models/v2.json"); err != nil || m.Version != "v2" {
		t.Errorf("replicated v2: %v %v", m, err)
	}
}

func TestReplicatorOptions(t *testing.T) {
	ep := Endpoint{URL: "http://127.0.0.1:1", AccessKey: "a", SecretKey: "b"}
	if _, err := NewReplicator(ep, ep, testBuckets.Model, WithReplicationInterval(0)); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("zero interval: %v", err)
	}
	if _, err := NewReplicator(ep, Endpoint{URL: "http://127.0.0.1:1"}, testBuckets.Model); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("no credentials: %v", err)
	}
	for _, bucket := range []string{"", "$MODEL_BUCKET", "Models"} {
		if _, err := NewReplicator(ep, ep, bucket); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "replicated bucket") {
			t.Errorf("bucket %q: %v, want an ErrInvalid naming the replicated bucket", bucket, err)
		}
	}
}
