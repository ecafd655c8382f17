package gateway

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// knownRetryOn are the retry conditions a policy may name: Envoy's HTTP
// conditions and the gRPC ones Istio's default names.
var knownRetryOn = map[string]bool{
	"connect-failure": true, "refused-stream": true, "reset": true, "5xx": true, "gateway-error": true,
	"retriable-status-codes": true, "unavailable": true, "cancelled": true, "deadline-exceeded": true,
	"resource-exhausted": true, "internal": true, "retriable-4xx": true,
}

func knownRetryOnList() string {
	out := make([]string, 0, len(knownRetryOn))
	for k := range knownRetryOn {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// outcome is how one upstream attempt ended, for the retry conditions.
type outcome int

const (
	outcomeAnswer        outcome = iota // response headers arrived
	outcomeConnectFailed                // no connection (refused, connect timeout)
	outcomeReset                        // connection lost before the headers
	outcomeTimeout                      // per-try timeout before the headers
)

// errPerTryTimeout is the cause of an attempt's context cancelled by the
// per-try timeout.
var errPerTryTimeout = errors.New("per-try timeout")

// has reports whether the policy names condition c.
func (p RetryPolicy) has(c string) bool { return slices.Contains(p.On, c) }

// retriable reports whether an attempt's outcome (and status, for answers)
// may be retried under the policy's conditions, as Envoy decides: 5xx covers
// every error and 5xx answer, gateway-error resets, timeouts, connect
// failures and 502/503/504, reset every attempt that got no answer, and
// connect-failure only failed connections.
func (p RetryPolicy) retriable(o outcome, status int) bool {
	switch o {
	case outcomeConnectFailed:
		return p.has("connect-failure") || p.has("reset") || p.has("5xx") || p.has("gateway-error")
	case outcomeReset, outcomeTimeout:
		return p.has("reset") || p.has("5xx") || p.has("gateway-error")
	}
	switch {
	case p.has("retriable-status-codes") && slices.Contains(p.RetriableStatusCodes, status):
		return true
	case p.has("5xx") && status >= 500:
		return true
	case p.has("gateway-error") && (status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout):
		return true
	}
	return false
}
