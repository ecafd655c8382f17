package inference_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/inference"
	"gameday.io/gameday/framework/inference/inferencetest"
	"gameday.io/gameday/framework/storage"
)

func TestReadinessBeforeAndAfterLoad(t *testing.T) {
	m, _, _ := testModel(t)
	gate := &gateSource{release: make(chan struct{}), model: m}
	url, _ := inferencetest.Start(t, inference.WithModelSource(gate))

	code, body, _ := get(t, url+"/v2/health/ready")
	if code != http.StatusServiceUnavailable || body["ready"] != false || !strings.Contains(fmt.Sprint(body["reason"]), "model not loaded") {
		t.Fatalf("ready before load = %d %v, want 503 with a reason", code, body)
	}
	if code, _, _ := get(t, url+"/v2/health/live"); code != http.StatusOK {
		t.Fatalf("live while loading = %d, want 200", code)
	}
	if code, body, _ := do(t, "POST", url+"/v1/models/default:predict", `{"instances": [[1,2,3,4]]}`); code != http.StatusServiceUnavailable {
		t.Fatalf("predict before load = %d %v, want 503", code, body)
	}
	if code, _, _ := get(t, url+"/v2/models/default/ready"); code != http.StatusServiceUnavailable {
		t.Fatalf("model ready before load = %d, want 503", code)
	}

	close(gate.release)
	inferencetest.Eventually(t, 5*time.Second, "ready after load", func() (bool, string) {
		code, body, _ := get(t, url+"/v2/health/ready")
		return code == http.StatusOK && body["ready"] == true, fmt.Sprint(code, body)
	})
	if code, body, _ := do(t, "POST", url+"/v1/models/default:predict", `{"instances": [[1,2,3,4]]}`); code != http.StatusOK {
		t.Fatalf("predict after load = %d %v, want 200", code, body)
	}
}

func TestLoadFromS3(t *testing.T) {
	model, artifact, sum := testModel(t)
	tests := []struct {
		name       string
		setup      func(f *fakeS3)
		endpoint   func(fakeURL string) string
		wantReady  bool
		wantReason string
	}{
		{name: "loads and verifies", setup: func(f *fakeS3) {
			f.put(testModelBucket, storage.DefaultModelKey, artifact, sum)
		}, wantReady: true},
		{name: "model missing", setup: func(*fakeS3) {}, wantReason: "model not loaded: NoSuchKey: s3://" + testModelBucket + "/models/default/model.json"},
		{name: "checksum mismatch", setup: func(f *fakeS3) {
			f.put(testModelBucket, storage.DefaultModelKey, artifact, strings.Repeat("0", 64))
		}, wantReason: "checksum"},
		{name: "no checksum metadata", setup: func(f *fakeS3) {
			f.put(testModelBucket, storage.DefaultModelKey, artifact, "")
		}, wantReason: "has no x-amz-meta-sha256"},
		{name: "storage down", setup: func(*fakeS3) {}, endpoint: func(string) string { return closedPortURL(t) },
			wantReason: "model not loaded: storage unreachable at http://127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, s3srv := newFakeS3(t)
			tt.setup(f)
			ep := s3srv.URL
			if tt.endpoint != nil {
				ep = tt.endpoint(ep)
			}
			src, err := inference.NewS3Source(testEndpoint(ep), testModelBucket, storage.DefaultModelKey, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			url, srv := inferencetest.Start(t, inference.WithModelSource(src), inference.WithRetryInterval(5*time.Millisecond, 20*time.Millisecond))
			if tt.wantReady {
				inferencetest.Eventually(t, 5*time.Second, "ready", func() (bool, string) { s := srv.Status(); return s.Ready, s.Reason })
				if s := srv.Status(); s.Model != model.Name || s.Version != model.Version {
					t.Fatalf("status = %+v, want model %s/%s", s, model.Name, model.Version)
				}
				return
			}
			// Stays unready, and says why, across several retries.
			inferencetest.Eventually(t, 5*time.Second, "unready with reason after retries", func() (bool, string) {
				code, body, _ := get(t, url+"/v2/health/ready")
				reason := fmt.Sprint(body["reason"])
				return code == http.StatusServiceUnavailable && strings.Contains(reason, tt.wantReason) && srv.Status().Attempts >= 3, reason
			})
			if srv.Status().Ready {
				t.Fatal("server became ready")
			}
		})
	}
}

func TestLoadGivesUpAfterTimeout(t *testing.T) {
	f, s3srv := newFakeS3(t)
	_ = f
	src, err := inference.NewS3Source(testEndpoint(s3srv.URL), testModelBucket, storage.DefaultModelKey, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := inference.New(inference.WithModelSource(src), inference.WithLoadTimeout(100*time.Millisecond), inference.WithRetryInterval(5*time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Load(t.Context())
	if !errors.Is(err, inference.ErrLoadGaveUp) {
		t.Fatalf("Load = %v, want inference.ErrLoadGaveUp", err)
	}
	st := srv.Status()
	if st.Live || st.Ready || !strings.Contains(st.Reason, "NoSuchKey") || !strings.Contains(st.Reason, "gave up after 100ms") {
		t.Fatalf("status = %+v, want not live, not ready, reason naming NoSuchKey and the timeout", st)
	}
}

// closedPortURL returns a loopback URL nothing listens on.
func closedPortURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
