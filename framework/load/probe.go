package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ErrUnreachable marks a target that did not answer the probe Start sends
// before any load: nothing listens there, the name does not resolve, or no
// answer came within the probe timeout. (It is not framework.ErrInvalid: the
// URL is well formed; the environment is not up.)
var ErrUnreachable = errors.New("target unreachable")

// probe sends one v1 predict request like those of the first stream. Any HTTP
// answer, even an error status, shows that the target is reachable: a drill
// may well start load while a region is down.
func probe(ctx context.Context, s *stream, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.v1, bytes.NewReader(V1Body))
	if err != nil {
		return fmt.Errorf("load: probe %s: %w", s.v1, err)
	}
	req.Header = s.header.Clone()
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil && context.Cause(ctx) != context.DeadlineExceeded {
			return fmt.Errorf("load: probe %s: %w", s.v1, err)
		}
		return fmt.Errorf("load: no answer from %s to a probe request (timeout %v): %v: %w", s.v1, timeout, err, ErrUnreachable)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxBody))
	return resp.Body.Close()
}
