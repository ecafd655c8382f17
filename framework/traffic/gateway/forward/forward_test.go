package forward

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestUpstreamRequest(t *testing.T) {
	in := httptest.NewRequest(http.MethodPost, "http://lb.example/v2/models/default/infer?x=1", strings.NewReader("payload"))
	in.Header.Set("Connection", "keep-alive, X-Hop")
	in.Header.Set("X-Hop", "drop me")
	in.Header.Set("Keep-Alive", "timeout=5")
	in.Header.Set("X-Gameday-Client-Region", "us-east1")
	body, err := ReadBody(in)
	if err != nil {
		t.Fatal(err)
	}
	target := &url.URL{Scheme: "http", Host: "127.0.0.1:9"}
	out := Upstream(t.Context(), in, target, body)

	if out.URL.String() != "http://127.0.0.1:9/v2/models/default/infer?x=1" {
		t.Fatalf("URL = %s", out.URL)
	}
	for _, h := range []string{"Connection", "X-Hop", "Keep-Alive"} {
		if out.Header.Get(h) != "" {
			t.Errorf("hop-by-hop header %s forwarded", h)
		}
	}
	if out.Header.Get("X-Gameday-Client-Region") != "us-east1" || in.Header.Get("X-Hop") == "" {
		t.Fatal("end-to-end header lost, or the incoming request was modified")
	}
	for range 2 { // the body can be sent again on a retry
		rc, err := out.GetBody()
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := io.ReadAll(rc); string(b) != "payload" || out.ContentLength != 7 {
			t.Fatalf("body %q length %d", b, out.ContentLength)
		}
	}
}

func TestCopyResponseDropsHopHeaders(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Gameday-Pod", "p-1")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "short and stout")
	}))
	defer up.Close()
	resp, err := http.Get(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := CopyResponse(rec, resp); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusTeapot || rec.Body.String() != "short and stout" || rec.Header().Get("X-Gameday-Pod") != "p-1" ||
		rec.Header().Get("Keep-Alive") != "" || rec.Header().Get("Content-Length") != "15" {
		t.Fatalf("copied %d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
}

func TestIsConnectFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = NewTransport(0).RoundTrip(httptest.NewRequest(http.MethodGet, "http://"+addr+"/", nil).WithContext(t.Context()))
	if err == nil || !IsConnectFailure(err) {
		t.Fatalf("refused connection: err %v, IsConnectFailure false", err)
	}
	if IsConnectFailure(errors.New("read: connection reset by peer")) {
		t.Fatal("a reset counted as a connect failure")
	}
}

func TestReadBodyLimit(t *testing.T) {
	big := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", MaxBody+1)))
	if _, err := ReadBody(big); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}
