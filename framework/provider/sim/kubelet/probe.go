package kubelet

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"

	"gameday.io/gameday/framework"
)

// probe is a container probe with its timings already scaled by the profile.
type probe struct {
	path             string
	initialDelay     time.Duration
	period           time.Duration
	timeout          time.Duration
	successThreshold int
	failureThreshold int
}

// minProbeTimeout keeps probes from failing on a loaded 2-core machine when
// the profile shrinks probe timings; Kubernetes' own minimum is 1 s.
const minProbeTimeout = time.Second

// probeFrom reads an HTTP probe from a container spec, applying Kubernetes'
// defaults and the profile's manifest scale. A nil probe always succeeds.
func probeFrom(p *corev1.Probe, t framework.Timeouts) *probe {
	if p == nil || p.HTTPGet == nil {
		return nil
	}
	sec := func(v int32, def int32) time.Duration {
		if v == 0 {
			v = def
		}
		return time.Duration(v) * time.Second
	}
	pr := &probe{
		path:             p.HTTPGet.Path,
		initialDelay:     t.Scale(sec(p.InitialDelaySeconds, 0)),
		period:           t.Scale(sec(p.PeriodSeconds, 10)),
		timeout:          max(sec(p.TimeoutSeconds, 1), minProbeTimeout),
		successThreshold: int(max(p.SuccessThreshold, 1)),
		failureThreshold: 3,
	}
	if p.FailureThreshold > 0 {
		pr.failureThreshold = int(p.FailureThreshold)
	}
	if pr.period <= 0 {
		pr.period = 100 * time.Millisecond
	}
	return pr
}

// check performs one HTTP GET probe: 200–399 is success, as the kubelet does.
func (p *probe) check(ctx context.Context, c *http.Client, base string) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+p.path, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode >= 400 {
		return fmt.Errorf("HTTP probe failed with statuscode: %d: %s", resp.StatusCode, body)
	}
	return nil
}

// prober counts consecutive results against a probe's thresholds. A
// readiness prober starts failed (not ready); a liveness prober starts
// succeeded (alive until proven otherwise), as in the kubelet.
type prober struct {
	p         *probe
	ok        bool // current verdict
	successes int
	failures  int
}

// observe records one result and reports whether the verdict changed.
func (s *prober) observe(err error) (changed bool) {
	if err == nil {
		s.successes++
		s.failures = 0
		if !s.ok && s.successes >= s.p.successThreshold {
			s.ok = true
			return true
		}
		return false
	}
	s.failures++
	s.successes = 0
	if s.ok && s.failures >= s.p.failureThreshold {
		s.ok = false
		return true
	}
	return false
}
