package inference_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gameday.io/gameday/framework/storage"
)

// fakeS3 is a minimal in-memory S3 GET endpoint (path style), for unit tests
// only; the integration test uses a real server.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string]fakeObject // "bucket/key"
}

type fakeObject struct {
	body []byte
	sha  string
}

func newFakeS3(t *testing.T) (*fakeS3, *httptest.Server) {
	t.Helper()
	f := &fakeS3{objects: map[string]fakeObject{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeS3) put(bucket, key string, body []byte, sha string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[bucket+"/"+key] = fakeObject{body: body, sha: sha}
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	o, ok := f.objects[strings.TrimPrefix(r.URL.Path, "/")]
	f.mu.Unlock()
	if r.Method != http.MethodGet || !ok {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`)
		return
	}
	if o.sha != "" {
		w.Header().Set("x-amz-meta-"+storage.MetaSHA256, o.sha)
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(o.body)))
	_, _ = w.Write(o.body)
}

func testModel(t *testing.T) (*storage.Model, []byte, string) {
	t.Helper()
	m := storage.DefaultModel("v1", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	b, sum, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return m, b, sum
}

// testModelBucket is the tests' model bucket.
const testModelBucket = "test-models"

func testEndpoint(url string) storage.Endpoint {
	return storage.Endpoint{URL: url, AccessKey: "test", SecretKey: "test-secret", PathStyle: true}
}

// gateSource blocks Fetch until release is closed.
type gateSource struct {
	release chan struct{}
	model   *storage.Model
}

func (g *gateSource) Fetch(ctx context.Context) (*storage.Model, error) {
	select {
	case <-g.release:
		return g.model, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *gateSource) String() string { return "gate" }

// get fetches url and decodes a JSON body into a map.
func get(t *testing.T, url string) (int, map[string]any, http.Header) {
	t.Helper()
	return do(t, http.MethodGet, url, "")
}

func do(t *testing.T, method, url, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, url, raw, err)
		}
	}
	return resp.StatusCode, m, resp.Header
}
