// Package load drives inference load against the global load balancer with the
// Vegeta library and records every result into a Timeline of fixed 100 ms
// buckets, the raw material of every RTO, failover and error-budget figure.
//
// A Generator is configured with functional options (each has a documented
// Default* value; an invalid one makes New return an error wrapping
// framework.ErrInvalid). Start probes the target once (an unreachable URL is an
// error wrapping ErrUnreachable, before any load is sent), then runs one
// stream per client region: a fresh vegeta.Attacker per stream and per run,
// each request carrying framework.HeaderClientRegion, v1 predict and v2 infer
// calls mixed in a fixed proportion. Mark tags the buckets that follow with a
// phase (baseline, fault, recovery: free strings) and records the instant;
// Stop, or cancelling Start's context, ends the run and returns the Timeline.
//
// Bounded by construction: every attacker has MaxWorkers and a request Timeout,
// response bodies are cut at a few KiB, and each stream's results are drained by
// its own goroutine straight into counters (no result is kept). While the
// target hangs the attackers stop at MaxWorkers in-flight requests and fall
// behind the pacer instead of spawning workers; Timeline.Planned minus
// Timeline.Sent shows how many requests were not sent because of it.
//
// Bucketing: a result belongs to the bucket in which its request was sent
// (vegeta's Result.Timestamp), so a request that hangs during an outage counts
// against the instant it was sent, not the instant it timed out. A bucket's
// phase is the phase in effect at the bucket's end: the bucket in which Mark
// is called already belongs to the new phase. Marks keep the exact instants.
//
// Invariant, checked by the tests: every request sent is recorded
// (Timeline.Sent == Timeline.Recorded == sum of Bucket.Sent).
//
// Latency quantiles come from a log-linear histogram per bucket (32 bins per
// octave, at most 1.6 % off; Max is exact), so memory grows with the length of
// a run, not with the number of requests.
//
// Also here: Recorder builds a Timeline from vegeta results gathered
// elsewhere; Timeline.WriteTable renders a stretch of buckets as text (for
// failure messages and the CLI); ProgressWriter prints Progress lines, one
// per second while a run lasts, rewriting one line on a terminal. Subpackage
// loadtest is a controllable fake target for tests, synth builds synthetic
// timelines request by request.
package load
