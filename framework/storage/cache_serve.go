package storage

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// ServeHTTP answers one S3 request.
func (c *Cache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := c.Fault()
	if f == FaultCacheError || f == FaultCacheTimeout {
		c.failFault(w, r, f)
		return
	}
	key, cacheable := cacheKey(r)
	if !cacheable {
		c.pass(w, r, f)
		return
	}
	e, ok := c.store.get(key)
	if ok && (r.Method == http.MethodHead || !e.headOnly) {
		backendDown := f == FaultBackendError || f == FaultBackendTimeout
		if backendDown || c.now().Sub(e.validated) < c.ttl {
			c.n.hits.Add(1)
			state := "HIT"
			if backendDown {
				c.n.stale.Add(1)
				state = "STALE"
			}
			c.serveEntry(w, r, e, state)
			return
		}
		c.revalidate(w, r, key, e)
		return
	}
	c.n.misses.Add(1)
	if f == FaultBackendError || f == FaultBackendTimeout {
		c.failFault(w, r, f)
		return
	}
	c.fetch(w, r, key)
}

// cacheKey returns bucket/key for a path-style GET or HEAD of a whole object
// (no Range, no sub-resource); other requests are not cacheable.
func cacheKey(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", false
	}
	if r.Header.Get("Range") != "" {
		return "", false
	}
	for q := range r.URL.Query() {
		// x-id is the SDK's operation tag; X-Amz-* are presigned-URL parameters.
		if q != "x-id" && !strings.HasPrefix(q, "X-Amz-") {
			return "", false
		}
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if !ok || bucket == "" || key == "" {
		return "", false
	}
	return bucket + "/" + key, true
}

// pass forwards a request that is not cacheable and drops cached entries a
// write may change.
func (c *Cache) pass(w http.ResponseWriter, r *http.Request, f CacheFault) {
	c.n.pass.Add(1)
	if f == FaultBackendError || f == FaultBackendTimeout {
		c.failFault(w, r, f)
		return
	}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if write {
		c.invalidate(r)
		defer c.invalidate(r)
	}
	w.Header().Set(HeaderCache, "PASS")
	c.proxy.ServeHTTP(w, r)
}

// invalidate drops what a write to r's path may change: the object, or the
// whole bucket for bucket-level writes (DeleteObjects, DeleteBucket).
func (c *Cache) invalidate(r *http.Request) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if key == "" {
		c.store.removePrefix(bucket + "/")
		return
	}
	c.store.remove(bucket + "/" + key)
}

// backendRequest is r addressed to the backend with the client's Host.
func (c *Cache) backendRequest(ctx context.Context, r *http.Request) *http.Request {
	out := r.Clone(ctx)
	out.URL.Scheme, out.URL.Host = c.backend.Scheme, c.backend.Host
	out.Host = r.Host
	out.RequestURI = ""
	out.Header.Del("Connection")
	return out
}

// fetch answers a miss from the backend and keeps a 200 response.
func (c *Cache) fetch(w http.ResponseWriter, r *http.Request, key string) {
	ctx, cancel := context.WithTimeout(r.Context(), c.timeout)
	defer cancel()
	resp, err := c.transport.RoundTrip(c.backendRequest(ctx, r))
	if err != nil {
		c.n.backendErrors.Add(1)
		writeS3Error(w, http.StatusBadGateway, "BadGateway", "model storage backend unreachable: "+err.Error())
		return
	}
	defer resp.Body.Close()
	c.relay(w, r, key, resp)
}

// relay sends a backend response to the client and keeps it when it is a 200
// within the size bound. Larger bodies stream through uncached.
func (c *Cache) relay(w http.ResponseWriter, r *http.Request, key string, resp *http.Response) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		c.n.backendErrors.Add(1)
		writeS3Error(w, http.StatusBadGateway, "BadGateway", "model storage backend: "+err.Error())
		return
	}
	fits := int64(len(body)) <= c.maxBytes
	if resp.StatusCode == http.StatusOK && fits {
		c.store.add(&cacheEntry{
			key: key, header: storableHeader(resp.Header), body: body, etag: resp.Header.Get("ETag"),
			headOnly: r.Method == http.MethodHead, validated: c.now(),
		})
	}
	copyHeader(w.Header(), resp.Header)
	w.Header().Set(HeaderCache, "MISS")
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	if !fits {
		_, _ = io.Copy(w, resp.Body)
	}
}

// revalidate asks the backend whether e is still current (If-None-Match,
// authenticated with the client's own signature): 304 serves e, 200 replaces
// it, a backend failure serves e stale, anything else goes to the client.
func (c *Cache) revalidate(w http.ResponseWriter, r *http.Request, key string, e *cacheEntry) {
	ctx, cancel := context.WithTimeout(r.Context(), c.timeout)
	defer cancel()
	out := c.backendRequest(ctx, r)
	out.Header.Del("If-Match")
	out.Header.Del("If-Modified-Since")
	out.Header.Set("If-None-Match", e.etag)
	resp, err := c.transport.RoundTrip(out)
	if err != nil || resp.StatusCode >= 500 {
		if err == nil {
			resp.Body.Close()
		}
		c.n.backendErrors.Add(1)
		c.n.hits.Add(1)
		c.n.stale.Add(1)
		c.serveEntry(w, r, e, "STALE")
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		c.n.hits.Add(1)
		c.n.revalidated.Add(1)
		c.store.touch(key, e.etag, c.now())
		c.serveEntry(w, r, e, "REVALIDATED")
		return
	}
	c.store.remove(key)
	c.n.misses.Add(1)
	c.relay(w, r, key, resp)
}

// serveEntry answers from memory, honouring the client's If-None-Match.
func (c *Cache) serveEntry(w http.ResponseWriter, r *http.Request, e *cacheEntry, state string) {
	h := w.Header()
	copyHeader(h, e.header)
	h.Set(HeaderCache, state)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, e.etag) {
		h.Del("Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if !e.headOnly {
		h.Set("Content-Length", strconv.Itoa(len(e.body)))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(e.body)
	}
}

// etagMatch reports whether an If-None-Match list names etag (or is "*").
func etagMatch(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || strings.Trim(t, `"`) == strings.Trim(etag, `"`) {
			return true
		}
	}
	return false
}

// perRequest headers are not kept with an entry.
var perRequest = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Transfer-Encoding": true, "Date": true,
	"X-Amz-Request-Id": true, "X-Amz-Id-2": true, HeaderCache: true,
}

func storableHeader(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if !perRequest[k] {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		if !perRequest[k] {
			dst[k] = append([]string(nil), v...)
		}
	}
}
