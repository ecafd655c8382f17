package load

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		code uint16
		err  string
		want Cause
	}{
		{200, "", CauseNone},
		{204, "", CauseNone},
		{302, "", CauseNone},
		{503, "503 Service Unavailable", Cause5xx},
		{500, "500 Internal Server Error", Cause5xx},
		{429, "429 Too Many Requests", Cause4xx},
		{404, "404 Not Found", Cause4xx},
		{101, "101 Switching Protocols", CauseStatus},
		{0, `Post "http://127.0.0.1:1/v1/models/default:predict": dial tcp 127.0.0.1:1: connect: connection refused`, CauseRefused},
		{0, `Post "http://x/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, CauseTimeout},
		{0, `Post "http://x/": dial tcp 10.0.0.1:80: i/o timeout`, CauseTimeout},
		{0, `Post "http://x/": read tcp 127.0.0.1:5->127.0.0.1:6: read: connection reset by peer`, CauseReset},
		{0, `Post "http://x/": EOF`, CauseReset},
		{0, `Post "http://x/": write: broken pipe`, CauseReset},
		{0, `Post "http://x/": dial tcp: lookup nowhere.invalid: no such host`, CauseOther},
	}
	for _, tt := range tests {
		if got := Classify(tt.code, tt.err); got != tt.want {
			t.Errorf("Classify(%d, %q) = %q, want %q", tt.code, tt.err, got, tt.want)
		}
	}
}

// The error texts real failures produce classify as the failure they are.
func TestClassifyRealErrors(t *testing.T) {
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST
		}
		conn.Close()
	}))
	t.Cleanup(reset.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	client := &http.Client{Timeout: 100 * time.Millisecond}
	for _, tt := range []struct {
		url  string
		want Cause
	}{{slow.URL, CauseTimeout}, {reset.URL, CauseReset}, {closed, CauseRefused}} {
		resp, err := client.Post(tt.url, "application/json", nil)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s answered %s, want an error", tt.url, resp.Status)
			continue
		}
		if got := Classify(0, err.Error()); got != tt.want {
			t.Errorf("Classify(%q) = %q, want %q", err, got, tt.want)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(uint16(200), "")
	f.Add(uint16(0), "connection refused")
	f.Add(uint16(503), "503 Service Unavailable")
	f.Fuzz(func(t *testing.T, code uint16, errText string) {
		c := Classify(code, errText)
		ok := code >= 200 && code < 400 && errText == ""
		if (c == CauseNone) != ok {
			t.Fatalf("Classify(%d, %q) = %q", code, errText, c)
		}
		var f Failures
		f.Inc(c)
		if want := map[bool]int{true: 0, false: 1}[ok]; f.Total() != want || f.Count(c) != want {
			t.Fatalf("cause %q counts %d", c, f.Total())
		}
	})
}
