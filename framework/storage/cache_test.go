package storage

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// originServer is a minimal object server standing in for S3 behind the
// cache: GET/HEAD/PUT of paths, MD5 ETags, If-None-Match, and a record of
// the Host header of every request it saw.
type originServer struct {
	*httptest.Server
	mu      sync.Mutex
	objects map[string][]byte
	hosts   []string
	gets    atomic.Int64
}

func newOrigin(t *testing.T) *originServer {
	o := &originServer{objects: map[string][]byte{}}
	o.Server = httptest.NewServer(http.HandlerFunc(o.serve))
	t.Cleanup(o.Close)
	return o
}

func etagOf(b []byte) string { s := md5.Sum(b); return `"` + hex.EncodeToString(s[:]) + `"` }

func (o *originServer) put(path, body string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.objects[path] = []byte(body)
}

func (o *originServer) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.hosts = append(o.hosts, r.Host)
	body, ok := o.objects[r.URL.Path]
	o.mu.Unlock()
	switch r.Method {
	case http.MethodPut:
		b, _ := io.ReadAll(r.Body)
		o.put(r.URL.Path, string(b))
		w.Header().Set("ETag", etagOf(b))
		return
	case http.MethodGet, http.MethodHead:
		if r.Method == http.MethodGet {
			o.gets.Add(1)
		}
		if !ok {
			http.Error(w, "NoSuchKey", http.StatusNotFound)
			return
		}
		w.Header().Set("ETag", etagOf(body))
		w.Header().Set("X-Amz-Meta-Sha256", Checksum(body))
		if r.Header.Get("If-None-Match") == etagOf(body) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	default:
		http.Error(w, "not implemented", http.StatusNotImplemented)
	}
}

func newTestCache(t *testing.T, backend string, opts ...CacheOption) *Cache {
	t.Helper()
	c, err := NewCache(backend, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

type reply struct {
	status int
	body   string
	state  string
	etag   string
}

func do(t *testing.T, method, url string, hdr map[string]string, timeout time.Duration) (reply, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, body: string(b), state: resp.Header.Get(HeaderCache), etag: resp.Header.Get("ETag")}, nil
}

func mustDo(t *testing.T, method, url string, hdr map[string]string) reply {
	t.Helper()
	r, err := do(t, method, url, hdr, 5*time.Second)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

func TestCacheHitMissAndETag(t *testing.T) {
	o := newOrigin(t)
	o.put("/model-registry/models/a.json", "v1")
	c := newTestCache(t, o.URL, WithCacheTTL(time.Hour))
	u := c.URL() + "/model-registry/models/a.json"

	steps := []struct {
		name       string
		method     string
		hdr        map[string]string
		wantStatus int
		wantBody   string
		wantState  string
	}{
		{"first get misses", http.MethodGet, nil, 200, "v1", "MISS"},
		{"second get hits", http.MethodGet, nil, 200, "v1", "HIT"},
		{"head hits the get entry", http.MethodHead, nil, 200, "", "HIT"},
		{"matching If-None-Match gets 304 from memory", http.MethodGet, map[string]string{"If-None-Match": etagOf([]byte("v1"))}, 304, "", "HIT"},
		{"other If-None-Match gets the body", http.MethodGet, map[string]string{"If-None-Match": `"x"`}, 200, "v1", "HIT"},
		{"range requests pass", http.MethodGet, map[string]string{"Range": "bytes=0-0"}, 200, "v1", "PASS"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			r := mustDo(t, s.method, u, s.hdr)
			if r.status != s.wantStatus || r.body != s.wantBody || r.state != s.wantState {
				t.Errorf("got %d %q %s, want %d %q %s", r.status, r.body, r.state, s.wantStatus, s.wantBody, s.wantState)
			}
		})
	}
	if got := o.gets.Load(); got != 2 { // the miss and the passed range request
		t.Errorf("origin saw %d GETs, want 2", got)
	}
	st := c.Stats()
	if st.Hits != 4 || st.Misses != 1 || st.Entries != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestCacheRevalidatesByETag(t *testing.T) {
	o := newOrigin(t)
	o.put("/b/k", "one")
	c := newTestCache(t, o.URL, WithCacheTTL(0))
	u := c.URL() + "/b/k"
	if r := mustDo(t, http.MethodGet, u, nil); r.state != "MISS" || r.body != "one" {
		t.Fatalf("first: %+v", r)
	}
	if r := mustDo(t, http.MethodGet, u, nil); r.state != "REVALIDATED" || r.body != "one" {
		t.Fatalf("unchanged: %+v", r)
	}
	o.put("/b/k", "two")
	if r := mustDo(t, http.MethodGet, u, nil); r.state != "MISS" || r.body != "two" || r.etag != etagOf([]byte("two")) {
		t.Fatalf("changed: %+v", r)
	}
	if st := c.Stats(); st.Revalidated != 1 || st.Misses != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestCacheWritesPassAndInvalidate(t *testing.T) {
	o := newOrigin(t)
	o.put("/b/k", "old")
	c := newTestCache(t, o.URL, WithCacheTTL(time.Hour))
	u := c.URL() + "/b/k"
	mustDo(t, http.MethodGet, u, nil)
	req, _ := http.NewRequest(http.MethodPut, u, strings.NewReader("new"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get(HeaderCache) != "PASS" || resp.StatusCode != 200 {
		t.Fatalf("put: %d %s", resp.StatusCode, resp.Header.Get(HeaderCache))
	}
	if r := mustDo(t, http.MethodGet, u, nil); r.body != "new" || r.state != "MISS" {
		t.Errorf("after put: %+v", r)
	}
}

func TestCachePreservesHost(t *testing.T) {
	o := newOrigin(t)
	o.put("/b/k", "x")
	c := newTestCache(t, o.URL)
	mustDo(t, http.MethodGet, c.URL()+"/b/k", nil)           // miss path
	mustDo(t, http.MethodGet, c.URL()+"/b?list-type=2", nil) // pass-through path
	want := strings.TrimPrefix(c.URL(), "http://")
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.hosts) != 2 {
		t.Fatalf("origin saw %d requests", len(o.hosts))
	}
	for _, h := range o.hosts {
		if h != want {
			t.Errorf("origin saw Host %q, want the cache's %q (the host the client signed)", h, want)
		}
	}
}

func TestCacheBoundedSize(t *testing.T) {
	o := newOrigin(t)
	big := strings.Repeat("x", 600)
	for _, k := range []string{"/b/1", "/b/2", "/b/3"} {
		o.put(k, big)
	}
	c := newTestCache(t, o.URL, WithCacheMaxBytes(2000), WithCacheTTL(time.Hour))
	for _, k := range []string{"/b/1", "/b/2", "/b/3"} {
		mustDo(t, http.MethodGet, c.URL()+k, nil)
	}
	st := c.Stats()
	if st.Bytes > 2000 || st.Evictions != 1 || st.Entries != 2 {
		t.Fatalf("stats %+v: want 2 entries within 2000 bytes after 1 eviction", st)
	}
	if r := mustDo(t, http.MethodGet, c.URL()+"/b/1", nil); r.state != "MISS" {
		t.Errorf("least recently used entry still cached: %+v", r)
	}
	// An object larger than the whole cache streams through uncached.
	o.put("/b/huge", strings.Repeat("y", 5000))
	if r := mustDo(t, http.MethodGet, c.URL()+"/b/huge", nil); len(r.body) != 5000 {
		t.Errorf("huge object: %d bytes", len(r.body))
	}
}

func TestCacheFaults(t *testing.T) {
	o := newOrigin(t)
	o.put("/b/cached", "c")
	o.put("/b/uncached", "u")
	c := newTestCache(t, o.URL, WithCacheTTL(0)) // every hit would ask the backend
	mustDo(t, http.MethodGet, c.URL()+"/b/cached", nil)

	const short = 300 * time.Millisecond
	cases := []struct {
		fault CacheFault
		// what a cached and an uncached GET get: a status, or 0 for a hang
		// until the client's timeout.
		cached, uncached int
		cachedState      string
	}{
		{FaultBackendError, 200, 503, "STALE"},
		{FaultBackendTimeout, 200, 0, "STALE"},
		{FaultCacheError, 503, 503, "ERROR"},
		{FaultCacheTimeout, 0, 0, ""},
		{FaultNone, 200, 200, "REVALIDATED"},
	}
	for _, tc := range cases {
		t.Run(string(tc.fault), func(t *testing.T) {
			if err := c.SetFault(tc.fault); err != nil {
				t.Fatal(err)
			}
			defer c.ClearFault()
			for _, k := range []struct {
				path  string
				want  int
				state string
			}{{"/b/cached", tc.cached, tc.cachedState}, {"/b/uncached", tc.uncached, ""}} {
				start := time.Now()
				r, err := do(t, http.MethodGet, c.URL()+k.path, nil, short)
				switch {
				case k.want == 0:
					if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) < short {
						t.Errorf("%s: want a hang until the client timeout, got %+v, %v after %s", k.path, r, err, time.Since(start))
					}
				case err != nil:
					t.Errorf("%s: %v", k.path, err)
				case r.status != k.want || (k.state != "" && r.state != k.state):
					t.Errorf("%s: got %d %s, want %d %s", k.path, r.status, r.state, k.want, k.state)
				}
			}
		})
		c.Purge()
		mustDo(t, http.MethodGet, c.URL()+"/b/cached", nil)
	}
	st := c.Stats()
	if st.FaultErrors != 3 || st.FaultHangs != 3 || st.Stale != 2 {
		t.Errorf("stats %+v: want 3 fault errors, 3 hangs, 2 stale hits", st)
	}
	if _, err := ParseCacheFault("flaky"); err == nil {
		t.Error("unknown fault accepted")
	}
}

func TestCacheServesStaleWhenBackendDies(t *testing.T) {
	o := newOrigin(t)
	o.put("/b/k", "kept")
	c := newTestCache(t, o.URL, WithCacheTTL(0))
	mustDo(t, http.MethodGet, c.URL()+"/b/k", nil)
	o.Close()
	if r := mustDo(t, http.MethodGet, c.URL()+"/b/k", nil); r.status != 200 || r.body != "kept" || r.state != "STALE" {
		t.Errorf("cached object with backend gone: %+v", r)
	}
	if r := mustDo(t, http.MethodGet, c.URL()+"/b/other", nil); r.status != http.StatusBadGateway {
		t.Errorf("uncached object with backend gone: %+v", r)
	}
}

func TestCacheConcurrentFaultSwitch(t *testing.T) {
	o := newOrigin(t)
	o.put("/b/k", "v")
	c := newTestCache(t, o.URL, WithCacheTTL(time.Hour))
	mustDo(t, http.MethodGet, c.URL()+"/b/k", nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				if i == 0 {
					_ = c.SetFault([]CacheFault{FaultBackendError, FaultNone}[j%2])
					continue
				}
				if r, err := do(t, http.MethodGet, c.URL()+"/b/k", nil, 5*time.Second); err != nil || r.status != 200 {
					t.Errorf("cached object during fault flapping: %+v %v", r, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNewCacheRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name    string
		backend string
		opts    []CacheOption
	}{
		{"no scheme", "127.0.0.1:9000", nil},
		{"empty", "", nil},
		{"zero size", "http://127.0.0.1:1", []CacheOption{WithCacheMaxBytes(0)}},
		{"negative ttl", "http://127.0.0.1:1", []CacheOption{WithCacheTTL(-time.Second)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewCache(tc.backend, tc.opts...); err == nil {
				t.Error("accepted")
			}
		})
	}
}
