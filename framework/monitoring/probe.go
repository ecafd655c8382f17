package monitoring

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Prober answers Prometheus' scrapes of /probe?target=URL the way the
// blackbox exporter's http module does, for the storage probes: it sends a
// GET to the target and exposes probe_success, probe_duration_seconds and
// probe_http_status_code. A probe succeeds when any HTTP answer below 500
// arrives within Timeout: an S3 endpoint answers an anonymous GET with 403,
// which still proves it reachable.
type Prober struct {
	// Client sends the probes; nil uses a client without keep-alives, so
	// that each probe opens a fresh connection as a health check should.
	Client *http.Client
	// Timeout bounds one probe; 0 means DefaultProbeTimeout.
	Timeout time.Duration
}

// DefaultProbeTimeout bounds one probe when Prober.Timeout is zero.
const DefaultProbeTimeout = 2 * time.Second

var probeClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// ServeHTTP probes the target named by the query and writes the result in
// the Prometheus text format; 400 when the target is not an http(s) URL.
func (p *Prober) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	target := req.URL.Query().Get("target")
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		http.Error(w, fmt.Sprintf("target %q: want an http(s) URL", target), http.StatusBadRequest)
		return
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	client := p.Client
	if client == nil {
		client = probeClient
	}
	ctx, cancel := context.WithTimeout(req.Context(), timeout)
	defer cancel()
	start := time.Now()
	success, code := 0, 0
	if preq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil); err == nil {
		if resp, err := client.Do(preq); err == nil {
			resp.Body.Close()
			code = resp.StatusCode
			if code < 500 {
				success = 1
			}
		}
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintf(w, "# HELP probe_success Whether the probe got an answer below 500.\n# TYPE probe_success gauge\nprobe_success %d\n", success)
	fmt.Fprintf(w, "# HELP probe_duration_seconds How long the probe took.\n# TYPE probe_duration_seconds gauge\nprobe_duration_seconds %g\n", time.Since(start).Seconds())
	fmt.Fprintf(w, "# HELP probe_http_status_code The answer's status code, 0 without one.\n# TYPE probe_http_status_code gauge\nprobe_http_status_code %d\n", code)
}
