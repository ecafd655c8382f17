package forward

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Defaults of NewTransport.
const (
	// DefaultConnectTimeout is Envoy's (and Istio's) default connect timeout.
	DefaultConnectTimeout = 10 * time.Second
	// DefaultMaxIdleConnsPerHost keeps enough warm connections per upstream
	// for a few thousand requests per second without reconnecting.
	DefaultMaxIdleConnsPerHost = 512
	// MaxBody bounds a request body the proxies buffer for retries.
	MaxBody = 16 << 20
)

// NewTransport returns an HTTP/1.1 transport for loopback upstreams: keep-alive
// connections pooled generously per host, no compression, bounded connects.
func NewTransport(connectTimeout time.Duration) *http.Transport {
	if connectTimeout <= 0 {
		connectTimeout = DefaultConnectTimeout
	}
	d := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        4 * DefaultMaxIdleConnsPerHost,
		MaxIdleConnsPerHost: DefaultMaxIdleConnsPerHost,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
		WriteBufferSize:     16 << 10,
		ReadBufferSize:      16 << 10,
	}
}

// Body is a request body read into memory so it can be sent again on a
// retry. It is not pooled: a transport may still read a request body after
// RoundTrip returns (when the answer comes before the upload ends).
type Body struct{ b []byte }

// ErrBodyTooLarge is returned by ReadBody for bodies over MaxBody.
var ErrBodyTooLarge = fmt.Errorf("request body exceeds %d bytes", MaxBody)

// ReadBody reads r's body (nil body: empty).
func ReadBody(r *http.Request) (*Body, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return &Body{}, nil
	}
	if r.ContentLength > MaxBody {
		return nil, ErrBodyTooLarge
	}
	buf := bytes.NewBuffer(make([]byte, 0, max(r.ContentLength, 512)))
	n, err := buf.ReadFrom(io.LimitReader(r.Body, MaxBody+1))
	if err == nil && n > MaxBody {
		err = ErrBodyTooLarge
	}
	if err != nil {
		return nil, err
	}
	return &Body{b: buf.Bytes()}, nil
}

// Len is the body's length.
func (b *Body) Len() int { return len(b.b) }

// Upstream builds the request to send to target (scheme and host; path and
// query come from r) with ctx and a fresh reader over body; a nil body streams
// r's body instead (for a single attempt: it cannot be sent twice).
func Upstream(ctx context.Context, r *http.Request, target *url.URL, body *Body) *http.Request {
	u := *r.URL
	u.Scheme, u.Host, u.User = target.Scheme, target.Host, nil
	out := (&http.Request{
		Method:     r.Method,
		URL:        &u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     requestHeader(r.Header),
		Host:       r.Host,
	}).WithContext(ctx)
	if body == nil {
		if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
			out.Body, out.ContentLength = r.Body, r.ContentLength
		}
		return out
	}
	if raw := body.b; len(raw) > 0 {
		out.ContentLength = int64(len(raw))
		out.Body = io.NopCloser(bytes.NewReader(raw))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	}
	return out
}

// hopHeaders are meaningful for one connection only and never forwarded.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// requestHeader returns h without hop-by-hop headers, sharing h when it has
// none (the transport only reads it).
func requestHeader(h http.Header) http.Header {
	hop := false
	for _, k := range hopHeaders {
		if _, ok := h[k]; ok {
			hop = true
			break
		}
	}
	if !hop {
		return h
	}
	out := h.Clone()
	for _, f := range out.Values("Connection") {
		for _, k := range bytes.Split([]byte(f), []byte(",")) {
			out.Del(string(bytes.TrimSpace(k)))
		}
	}
	for _, k := range hopHeaders {
		out.Del(k)
	}
	return out
}

var copyPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// CopyResponse writes resp (status, end-to-end headers, body) to w and closes
// its body. It returns the error of the body copy, if any.
func CopyResponse(w http.ResponseWriter, resp *http.Response) error {
	defer resp.Body.Close()
	dst := w.Header()
	for k, v := range resp.Header {
		dst[k] = v
	}
	for _, k := range hopHeaders {
		delete(dst, k)
	}
	if _, ok := dst["Content-Length"]; !ok && resp.ContentLength >= 0 {
		dst["Content-Length"] = []string{strconv.FormatInt(resp.ContentLength, 10)}
	}
	w.WriteHeader(resp.StatusCode)
	bp := copyPool.Get().(*[]byte)
	defer copyPool.Put(bp)
	_, err := io.CopyBuffer(w, resp.Body, *bp)
	return err
}

// Discard drains and closes a response body so its connection can be reused.
func Discard(resp *http.Response) {
	if resp == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}

// IsConnectFailure reports whether err is a failure to connect (refused,
// unreachable, connect timeout): the request never reached the upstream, so
// Envoy's "connect-failure" retry condition applies.
func IsConnectFailure(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// Error is the JSON body of answers the proxies make themselves.
type Error struct {
	Error string `json:"error"`
}

// WriteError answers {"error": msg} with code.
func WriteError(w http.ResponseWriter, code int, msg string) {
	WriteJSON(w, code, Error{Error: msg})
}

// WriteJSON answers v as JSON with code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"encode response"}`)
	}
	b = append(b, '\n')
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(code)
	_, _ = w.Write(b)
}
