// Package gateway is a region's ingress in sim: an HTTP reverse proxy over the
// Ready endpoints of the inference Service that behaves like the Envoy sidecar
// Istio configures from the reference DestinationRule.
//
// Load balancing: ROUND_ROBIN over endpoints that are not ejected. Endpoints
// come from SetEndpoints, called by the data-plane controller as pods become
// Ready or go away; an endpoint keeps its outlier state while it stays in the
// set (same Name and URL).
//
// Outlier detection, as Envoy implements it (config.cluster.v3.OutlierDetection
// with Istio's mapping of the DestinationRule):
//   - Every upstream attempt is charged to its endpoint. A 5xx answer is an
//     error; so is a connection failure, reset or timeout (a "local origin"
//     error, which Envoy maps to 5xx because Istio leaves
//     split_external_local_origin_errors off). Any other answer resets the
//     endpoint's consecutive-error count.
//   - ConsecutiveGatewayErrors (consecutiveGatewayErrors, off unless set) is
//     Envoy's second detector: 502, 503, 504 answers and local-origin errors
//     (refused, reset, timeout) count, any other answer resets the count.
//   - Ejection happens on the spot, inline with the answer that makes the
//     count reach Consecutive5xx (Envoy ejects consecutive-5xx outliers inline,
//     not at the interval). The count restarts at 0 after each detection.
//   - MaxEjectionPercent caps ejections strictly, as Envoy does since 1.31:
//     an ejection happens only if 100*(ejected+1)/endpoints <= MaxEjectionPercent
//     (so 6 endpoints at 50 % allow 3; one endpoint at 50 % allows none).
//     Refused ejections are counted as EjectionsOverflow.
//   - The ejection time is BaseEjectionTime x the endpoint's ejection
//     multiplier, capped at MaxEjectionTime (Envoy's default 300 s). The
//     multiplier grows by one on each ejection and shrinks by one at each
//     interval the endpoint spends un-ejected.
//   - Return to service is checked every Interval (Envoy's interval timer): an
//     endpoint comes back at the first sweep after its ejection time has
//     passed, so it returns between EjectionTime and EjectionTime+Interval
//     after being ejected. Status reports EjectedUntil as the earliest instant.
//   - No panic threshold (Istio's default minHealthPercent 0): when every
//     endpoint is ejected or none is Ready, requests get 503 "no healthy
//     upstream".
//
// Retries and timeouts: the VirtualService route's, as Envoy carries them
// out (WithRetryPolicy, WithRequestTimeout); where no VirtualService routes
// to the Service, Istio's defaults: no request timeout, no per-try timeout,
// 2 retries on connect-failure, refused-stream (HTTP/2 only, so moot here)
// and 503 answers (retriable-status-codes). Each retry goes to an endpoint
// not tried yet for this request (previous_hosts predicate), after a
// jittered exponential backoff from 25 ms (Envoy's defaults). Conditions:
// connect-failure retries failed connections; reset every attempt that got
// no answer (reset, per-try timeout); gateway-error those and 502/503/504;
// 5xx those and every 5xx. A per-try timeout ends an attempt that has no
// answer's headers in time: it is charged to the endpoint (a local-origin
// timeout) and retried under those conditions, else answered 504. The
// request timeout bounds the whole request, retries included: 504, and the
// attempt in flight is charged. A client that gives up first (its own
// timeout) charges nothing: a silent endpoint under Istio's defaults is
// never seen by outlier detection. Every attempt, including retries, is
// charged to its endpoint's outlier state, so a dead endpoint is ejected
// even while retries hide its failures from clients.
// WithRetryPolicy(RetryPolicy{}) turns retries off.
//
// Circuit breaking: MaxRequests (the DestinationRule's http2MaxRequests) bounds
// concurrent upstream requests; overflow gets 503 at once, as Envoy's
// max_requests breaker does, and is not charged to any endpoint.
//
// The gateway answers two paths itself: ReadyPath (/gameday/gateway/ready; 200
// while at least one endpoint is not ejected, else 503 with the reason) and
// StatusPath (JSON Status). Everything else, the application's
// /v2/health/ready included, is proxied: the global load balancer's
// DNS-style health checks thus see what a client would, and a region whose
// endpoints are all dead (stale after an outage) fails them. It can be
// stopped and started (the region-outage fault): Stop refuses connections at
// once; BlackHole keeps the address and connections and answers nothing.
package gateway
