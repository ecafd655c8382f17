package storage

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func FuzzCacheKey(f *testing.F) {
	f.Add("GET", "/model-registry/models/default/model.json", "x-id=GetObject", "")
	f.Add("HEAD", "/b/k", "", "")
	f.Add("GET", "/b", "list-type=2", "")
	f.Add("GET", "/b/k", "versionId=1", "bytes=0-1")
	f.Fuzz(func(t *testing.T, method, path, query, rng string) {
		r := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}}
		if rng != "" {
			r.Header.Set("Range", rng)
		}
		key, ok := cacheKey(r)
		if !ok {
			return
		}
		bucket, obj, cut := strings.Cut(key, "/")
		if !cut || bucket == "" || obj == "" || (method != http.MethodGet && method != http.MethodHead) || rng != "" {
			t.Fatalf("cacheable %s %q?%q (range %q) gave key %q", method, path, query, rng, key)
		}
	})
}

func FuzzETagMatch(f *testing.F) {
	f.Add(`"abc"`, `"abc"`)
	f.Add(`W/"abc", "def"`, `"def"`)
	f.Add(`*`, `"x"`)
	f.Fuzz(func(t *testing.T, list, etag string) {
		_ = etagMatch(list, etag) // never panics
		if !strings.ContainsAny(etag, `",`) && !strings.Contains(etag, " ") && etag != "" && !etagMatch(`"`+etag+`"`, `"`+etag+`"`) {
			t.Fatalf("%q does not match itself", etag)
		}
	})
}
