package monitoring

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestProber(t *testing.T) {
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/denied":
			w.WriteHeader(http.StatusForbidden) // S3's answer to an anonymous GET
		case "/broken":
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(storage.Close)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	prober := httptest.NewServer(&Prober{Timeout: time.Second})
	t.Cleanup(prober.Close)

	for _, tc := range []struct {
		target string
		want   []string
	}{
		{storage.URL + "/", []string{"probe_success 1", "probe_http_status_code 200"}},
		{storage.URL + "/denied", []string{"probe_success 1", "probe_http_status_code 403"}},
		{storage.URL + "/broken", []string{"probe_success 0", "probe_http_status_code 503"}},
		{gone.URL + "/", []string{"probe_success 0", "probe_http_status_code 0"}},
	} {
		resp, err := http.Get(prober.URL + "/probe?target=" + url.QueryEscape(tc.target))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, w := range tc.want {
			if !strings.Contains(string(body), "\n"+w+"\n") {
				t.Errorf("probe %s: output lacks %q:\n%s", tc.target, w, body)
			}
		}
	}
	resp, err := http.Get(prober.URL + "/probe?target=ftp://x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("non-http target: %d, want 400", resp.StatusCode)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
