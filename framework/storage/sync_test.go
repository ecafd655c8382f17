package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func TestSeedAndLoadModel(t *testing.T) {
	s := startTestServer(t, "us-east1")
	ctx := context.Background()
	st, err := s.Store(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	if err := Seed(ctx, st, testBuckets, DefaultModel(SeedVersion, at)); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{testBuckets.Model, testBuckets.Backup} {
		if ok, err := BucketExists(ctx, st.Bucket(b)); !ok || err != nil {
			t.Errorf("bucket %s after seed: %v %v", b, ok, err)
		}
	}
	reg := st.Bucket(testBuckets.Model)
	h, err := Head(ctx, reg, DefaultModelKey)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Get(ctx, reg, DefaultModelKey)
	if err != nil {
		t.Fatal(err)
	}
	if h.Metadata[MetaSHA256] != Checksum(o.Body) || h.Metadata[MetaPublishedAt] != "2024-01-15T00:00:00Z" {
		t.Errorf("metadata %v does not describe the content", h.Metadata)
	}
	m, err := LoadModel(ctx, reg, DefaultModelKey)
	if err != nil {
		t.Fatal(err)
	}
	if y, _ := m.Predict([]float64{1, 2, 3, 4}); y != 3.5 {
		t.Errorf("seeded model predicts %v for [1 2 3 4], want 3.5", y)
	}

	t.Run("checksum mismatch", func(t *testing.T) {
		body, _, _ := DefaultModel("v2", at).Encode()
		if err := Put(ctx, reg, "models/bad.json", body, ContentTypeModel, map[string]string{MetaSHA256: Checksum([]byte("other"))}); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadModel(ctx, reg, "models/bad.json"); !errors.Is(err, ErrChecksum) {
			t.Errorf("got %v, want ErrChecksum", err)
		}
	})
	t.Run("missing model", func(t *testing.T) {
		if _, err := LoadModel(ctx, reg, "models/none.json"); !errors.Is(err, framework.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestSync(t *testing.T) {
	ctx := context.Background()
	a, b := startTestServer(t, "us-east1"), startTestServer(t, "eu-west1")
	src := testBucket(t, a, testBuckets.Model)
	for name, dst := range map[string]Bucket{
		"across servers": testBucket(t, b, testBuckets.Model),
		"same server":    testBucket(t, a, testBuckets.Backup),
	} {
		t.Run(name, func(t *testing.T) {
			if err := Empty(ctx, src); err != nil {
				t.Fatal(err)
			}
			for i, k := range []string{"m/1.json", "m/2.json"} {
				if _, err := PutModel(ctx, src, k, DefaultModel("v"+k, time.Unix(int64(i), 0))); err != nil {
					t.Fatal(err)
				}
			}
			if err := Put(ctx, dst, "only-in-dst", []byte("x"), "", nil); err != nil {
				t.Fatal(err)
			}
			rep, err := Sync(ctx, src, dst, SyncOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Copied != 2 || len(rep.Objects) != 2 || rep.Objects[0].SHA256 == "" {
				t.Fatalf("first sync %+v", rep)
			}
			rep, err = Sync(ctx, src, dst, SyncOptions{Checksums: true, Delete: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Copied != 0 || rep.Deleted != 1 || rep.Objects[1].Action != SyncUnchanged || rep.Objects[1].SHA256 == "" {
				t.Fatalf("second sync %+v", rep)
			}
			if _, err := LoadModel(ctx, dst, "m/2.json"); err != nil {
				t.Errorf("synced model: %v", err)
			}
		})
	}

	t.Run("corrupt source is reported, not copied", func(t *testing.T) {
		dst := testBucket(t, b, "corrupt-dst")
		if err := Put(ctx, src, "m/bad.json", []byte("truncated"), "", map[string]string{MetaSHA256: Checksum([]byte("truncated but longer"))}); err != nil {
			t.Fatal(err)
		}
		rep, err := Sync(ctx, src, dst, SyncOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Corrupt) != 1 || rep.Corrupt[0].Key != "m/bad.json" {
			t.Fatalf("corrupt = %+v", rep.Corrupt)
		}
		if _, err := Head(ctx, dst, "m/bad.json"); !errors.Is(err, framework.ErrNotFound) {
			t.Errorf("corrupt object was copied: %v", err)
		}
	})
	t.Run("missing destination bucket", func(t *testing.T) {
		_, err := Sync(ctx, src, Bucket{Client: src.Client, Name: "nope", Server: src.Server}, SyncOptions{})
		if !errors.Is(err, framework.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}
