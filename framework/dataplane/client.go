package dataplane

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"gameday.io/gameday/framework"
)

// Client talks to an agent's control API.
type Client struct {
	URL  string
	HTTP *http.Client
}

// ClientTimeout is a backstop for one call that changes the agent's faults;
// callers bound those with their context (a revert with Timeouts.Revert). It is long because reverting a region outage
// waits for its control plane to start again (kwokctl start took over 10 s
// on a starved machine: a revert that timed out left the fault to recover).
const ClientTimeout = 3 * time.Minute

// NewClient returns a client for the agent at url.
func NewClient(url string) *Client {
	return &Client{URL: url, HTTP: &http.Client{Timeout: ClientTimeout}}
}

// QueryTimeout bounds a read of the agent's state (status, faults): an
// agent that does not answer that quickly is reported, not waited for.
const QueryTimeout = 10 * time.Second

// Status returns the data plane's status.
func (c *Client) Status(ctx context.Context) (*Status, error) {
	ctx, cancel := context.WithTimeout(ctx, QueryTimeout)
	defer cancel()
	var st Status
	return &st, c.do(ctx, http.MethodGet, "/v1/status", nil, &st)
}

// Faults lists the active data-plane faults.
func (c *Client) Faults(ctx context.Context) ([]ActiveFault, error) {
	ctx, cancel := context.WithTimeout(ctx, QueryTimeout)
	defer cancel()
	var fs []ActiveFault
	return fs, c.do(ctx, http.MethodGet, "/v1/faults", nil, &fs)
}

// Inject asks the agent to carry out a fault until f.Until.
func (c *Client) Inject(ctx context.Context, id string, f FaultSpec) error {
	return c.do(ctx, http.MethodPut, "/v1/faults/"+id, f, nil)
}

// Revert asks the agent to undo a fault.
func (c *Client) Revert(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/faults/"+id, nil, nil)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, body)
	if err != nil {
		return err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("data-plane agent at %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e apiError
		_ = json.NewDecoder(resp.Body).Decode(&e)
		err := fmt.Errorf("data-plane agent: %s %s: %s", method, path, e.Error)
		switch e.Code {
		case "invalid":
			err = fmt.Errorf("%w: %w", err, framework.ErrInvalid)
		case "not-found":
			err = fmt.Errorf("%w: %w", err, framework.ErrNotFound)
		}
		return err
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}
