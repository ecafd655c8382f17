// Package measure turns what a drill recorded into the figures its objectives
// are judged by, as DESIGN.md "Measurements" defines them. Every function is a
// plain function of data (a load.Timeline, capacity samples); the watchers
// (PDBWatcher, CapacityWatcher) only record the data, from the Kubernetes API.
// Results are typed values with JSON tags, for Ginkgo's AddReportEntry and the
// report renderers; framework/measure/matchers asserts on them.
//
// Definitions (w is the timeline's bucket width, 100 ms; a bucket is bad when
// requests were sent in it and its success ratio is below the objective's
// SuccessThreshold, good when requests were sent and it is not, empty
// otherwise; a stable run is a good bucket followed by good or empty buckets
// for the StabilityWindow, all within the timeline):
//
//   - RTO: from fault injection (the mark of the fault phase) until the first
//     instant after which the global success ratio stays at or above the
//     threshold for the stability window. If no bucket from the fault on is
//     bad, RTO is 0 (also when a few requests failed within the threshold).
//     Otherwise take the first stable run that starts after the first bad
//     bucket: the recovery instant is the send time of the last failed request
//     just before it, exact to the request, not to the bucket; or, when no
//     request was sent just before the run (the attackers were blocked on a
//     hanging target, or the rate is low), the start of the run, the first
//     evidence of recovery, late by at most the gap. RTO is not extended by
//     the stability window; the instant at which it could be declared
//     (RTOResult.DeclaredOffset) is. Searching after the first bad bucket means
//     an outage that begins later than one stability window after the
//     injection still counts.
//     A request counts at the instant it was sent: one that waits out the
//     outage and then succeeds is a success (a hanging target that releases
//     its requests looks shorter by up to the request timeout; one that drops
//     them does not).
//   - Detection: from fault injection until the first request sent after it
//     that failed: when clients first saw the fault (not when an alert fired).
//   - Failover: from fault injection until the first instant after which the
//     share of requests successfully served by the named region stays at or
//     above the objective's FailoverShare for the stability window, exact to
//     one bucket. The share is of all requests sent (failures count against
//     it), optionally of one client region's requests only.
//   - Full capacity: from fault injection until Ready replicas are back at the
//     desired count, after first dropping below it (0 if they never dropped).
//   - Error budget: per phase, the failed share of the requests sent against
//     the allowed share 1 - SuccessThreshold.
//   - PDB: the minimum number of Ready replicas (pods Ready and not being
//     deleted) observed during each voluntary-disruption window, and the
//     evictions refused with HTTP 429 during it.
package measure
