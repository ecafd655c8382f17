package monitoring

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Alert states as Prometheus' API reports them (StateResolved is
// History's: a firing alert that is no longer active).
const (
	StateInactive = "inactive"
	StatePending  = "pending"
	StateFiring   = "firing"
	StateResolved = "resolved"
)

// Alert is one active alert from /api/v1/alerts.
type Alert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	// State is StatePending or StateFiring.
	State string `json:"state"`
	// ActiveAt is when the alert's expression first held (it went pending).
	ActiveAt time.Time `json:"activeAt"`
	// Value is the expression's value, as text.
	Value string `json:"value"`
}

// Name returns the alertname label.
func (a Alert) Name() string { return a.Labels["alertname"] }

// RuleGroup is one group from /api/v1/rules.
type RuleGroup struct {
	Name     string  `json:"name"`
	File     string  `json:"file"`
	Interval float64 `json:"interval"` // seconds
	Rules    []Rule  `json:"rules"`
}

// Rule is one alerting or recording rule from /api/v1/rules.
type Rule struct {
	Name  string `json:"name"`
	Query string `json:"query"`
	// Type is "alerting" or "recording".
	Type string `json:"type"`
	// Duration is the rule's `for:` in seconds, as Prometheus loaded it.
	Duration float64 `json:"duration"`
	// State is inactive, pending or firing (alerting rules only).
	State string `json:"state"`
	// Health is "ok", "err" or "unknown"; LastError says why for "err".
	Health    string  `json:"health"`
	LastError string  `json:"lastError"`
	Alerts    []Alert `json:"alerts"`
}

// Client reads Prometheus' HTTP API.
type Client struct {
	// URL is Prometheus' base URL, such as http://127.0.0.1:9090.
	URL  string
	HTTP *http.Client
}

// NewClient returns a Client for the Prometheus at url with a 10s timeout.
func NewClient(url string) *Client {
	return &Client{URL: url, HTTP: &http.Client{Timeout: 10 * time.Second}}
}

// Alerts returns the active (pending and firing) alerts.
func (c *Client) Alerts(ctx context.Context) ([]Alert, error) {
	var data struct {
		Alerts []Alert `json:"alerts"`
	}
	if err := c.get(ctx, "/api/v1/alerts", &data); err != nil {
		return nil, err
	}
	return data.Alerts, nil
}

// Rules returns the loaded rule groups with each rule's state and health.
func (c *Client) Rules(ctx context.Context) ([]RuleGroup, error) {
	var data struct {
		Groups []RuleGroup `json:"groups"`
	}
	if err := c.get(ctx, "/api/v1/rules", &data); err != nil {
		return nil, err
	}
	return data.Groups, nil
}

// Sample is one series of an instant query's result.
type Sample struct {
	Labels map[string]string
	Value  float64
}

// Query evaluates an instant PromQL query now and returns its vector result
// (a scalar result comes back as one sample without labels).
func (c *Client) Query(ctx context.Context, promql string) ([]Sample, error) {
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := c.get(ctx, "/api/v1/query?query="+url.QueryEscape(promql), &data); err != nil {
		return nil, err
	}
	type sample struct {
		Metric map[string]string `json:"metric"`
		Value  [2]any            `json:"value"` // [unix seconds, "value"]
	}
	var series []sample
	switch data.ResultType {
	case "vector":
		if err := json.Unmarshal(data.Result, &series); err != nil {
			return nil, fmt.Errorf("prometheus query %q: decode: %w", promql, err)
		}
	case "scalar":
		series = make([]sample, 1)
		if err := json.Unmarshal(data.Result, &series[0].Value); err != nil {
			return nil, fmt.Errorf("prometheus query %q: decode: %w", promql, err)
		}
	default:
		return nil, fmt.Errorf("prometheus query %q: result type %q, want vector or scalar", promql, data.ResultType)
	}
	out := make([]Sample, 0, len(series))
	for _, s := range series {
		text, _ := s.Value[1].(string)
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("prometheus query %q: value %v: %w", promql, s.Value[1], err)
		}
		out = append(out, Sample{Labels: s.Metric, Value: v})
	}
	return out, nil
}

// get reads one API endpoint's envelope into data.
func (c *Client) get(ctx context.Context, path string, data any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+path, nil)
	if err != nil {
		return fmt.Errorf("prometheus %s: %w", path, err)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("prometheus %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("prometheus %s: read: %w", path, err)
	}
	var env struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("prometheus %s: %s: not an API answer: %w", path, resp.Status, err)
	}
	if env.Status != "success" {
		return fmt.Errorf("prometheus %s: %s: %s", path, resp.Status, env.Error)
	}
	if err := json.Unmarshal(env.Data, data); err != nil {
		return fmt.Errorf("prometheus %s: decode data: %w", path, err)
	}
	return nil
}
