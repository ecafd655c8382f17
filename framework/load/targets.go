package load

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"gameday.io/gameday/framework"
)

// The request bodies: the runbook's v1 predict call and the same instance as
// an Open Inference Protocol (KServe v2) request for the model's one input.
var (
	// V1Body is the body of POST /v1/models/{model}:predict.
	V1Body = []byte(`{"instances": [[1, 2, 3, 4]]}`)
	// V2Body is the body of POST /v2/models/{model}/infer.
	V2Body = mustJSON(map[string]any{
		"inputs": []map[string]any{{
			"name":     "input-0",
			"shape":    []int{1, 4},
			"datatype": "FP32",
			"data":     []float32{1, 2, 3, 4},
		}},
	})
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// V1Path and V2Path are the request paths for a model.
func V1Path(model string) string { return "/v1/models/" + model + ":predict" }
func V2Path(model string) string { return "/v2/models/" + model + "/infer" }

// parseBase checks the target URL: http or https with a host. The request
// paths are appended to it.
func parseBase(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", invalid("url %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", invalid("url %q: want an http:// or https:// URL", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", invalid("url %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", invalid("url %q: want a base URL without query or fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// stream is the requests of one client region.
type stream struct {
	client   string
	v1, v2   string // full URLs
	header   http.Header
	fraction float64
	n        atomic.Uint64 // requests built
	sent     *sends
}

func newStream(base, model, client string, fraction float64, sent *sends) *stream {
	h := http.Header{"Content-Type": []string{"application/json"}}
	if client != "" {
		h.Set(framework.HeaderClientRegion, client)
	}
	return &stream{client: client, v1: base + V1Path(model), v2: base + V2Path(model), header: h, fraction: fraction, sent: sent}
}

// targeter returns the stream's vegeta.Targeter. Request n is a v2 call when
// floor((n+1)f) > floor(nf), which spreads exactly the fraction f of v2 calls
// evenly. Every call counts one request sent. Targets share the body and header
// (vegeta only reads them).
func (s *stream) targeter() vegeta.Targeter {
	return func(t *vegeta.Target) error {
		s.sent.add() // vegeta records a result for every call, even a failed one
		if t == nil {
			return fmt.Errorf("load: nil target: %w", vegeta.ErrNilTarget)
		}
		n := s.n.Add(1) - 1
		t.Method, t.Header = http.MethodPost, s.header
		if uint64(float64(n+1)*s.fraction) > uint64(float64(n)*s.fraction) {
			t.URL, t.Body = s.v2, V2Body
		} else {
			t.URL, t.Body = s.v1, V1Body
		}
		return nil
	}
}

// sends counts the requests a run's streams hand to vegeta and keeps when
// the latest was handed out, as an offset from since (monotonic).
type sends struct {
	since time.Time
	n     atomic.Uint64
	last  atomic.Int64 // ns after since
}

func (c *sends) add() {
	c.n.Add(1)
	d := int64(time.Since(c.since))
	for {
		old := c.last.Load()
		if d <= old || c.last.CompareAndSwap(old, d) {
			return
		}
	}
}

// lastAt is when the latest request was handed out (since, before any).
func (c *sends) lastAt() time.Time { return c.since.Add(time.Duration(c.last.Load())) }
