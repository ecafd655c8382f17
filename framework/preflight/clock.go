package preflight

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"k8s.io/client-go/rest"
)

// clockSkew compares the API server's clock, read from the Date header of a
// GET /version, with ours at the midpoint of the request. It applies only
// when the region has a rest.Config.
func (rr *regionRun) clockSkew(ctx context.Context) []Check {
	const name = "clock-skew"
	if rr.Config == nil {
		return nil
	}
	host := rr.Config.Host
	skew, rtt, err := measureSkew(ctx, rr.Config, rr.cfg.now)
	if err != nil {
		return []Check{rr.fail(name, "cannot read the clock of API server %s: %v", host, err)}
	}
	limit := rr.cfg.maxSkew + DateResolution
	got := fmt.Sprintf("%+.1fs", skew.Seconds())
	allowed := fmt.Sprintf("limit ±%s plus %s Date resolution; round trip %s", rr.cfg.maxSkew, DateResolution, rtt.Round(time.Millisecond))
	if skew > limit || skew < -limit {
		dir := "ahead of"
		if skew < 0 {
			dir = "behind"
		}
		return []Check{rr.fail(name, "clock of API server %s is %s %s ours (%s): sync this machine and the cluster's nodes with NTP; fault durations and lease ages are read across both clocks",
			host, got, dir, allowed)}
	}
	return []Check{rr.pass(name, "API server %s clock %s from ours (%s)", host, got, allowed)}
}

// measureSkew returns the server's Date minus our clock at the midpoint of
// the request, and the request's round trip.
func measureSkew(ctx context.Context, cfg *rest.Config, now func() time.Time) (skew, rtt time.Duration, err error) {
	u, _, err := rest.DefaultServerUrlFor(cfg)
	if err != nil {
		return 0, 0, err
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/version"
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return 0, 0, fmt.Errorf("HTTP client: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, 0, err
	}
	before := now()
	resp, err := client.Do(req)
	after := now()
	if err != nil {
		return 0, 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return 0, 0, fmt.Errorf("GET %s (%s): no valid Date header %q", u, resp.Status, resp.Header.Get("Date"))
	}
	rtt = after.Sub(before)
	return date.Sub(before.Add(rtt / 2)), rtt, nil
}
