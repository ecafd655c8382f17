package load

import (
	"time"
)

// BucketWidth is the fixed width of every Timeline bucket.
const BucketWidth = 100 * time.Millisecond

// Timeline is the record of one run: plain data, JSON-serializable, that
// reports render and measure functions read. Offsets are durations since Start
// (monotonic, so wall-clock jumps do not move them).
type Timeline struct {
	// URL is the base URL the load was sent to.
	URL string `json:"url"`
	// Start is when the run began (offset 0); Duration is how long requests
	// were sent, up to Stop (or to the last request, if an attacker sent one
	// after Stop was called).
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration"`
	// BucketWidth is BucketWidth.
	BucketWidth time.Duration `json:"bucketWidth"`
	// Rate is the target rate in requests per second over all streams; Ramp is
	// how long it took to reach it.
	Rate float64       `json:"rate"`
	Ramp time.Duration `json:"ramp,omitempty"`
	// ClientRegions are the streams; empty means one stream without the
	// client-region header.
	ClientRegions []string `json:"clientRegions,omitempty"`
	// Marks are the phase changes in order; the first is the initial phase at 0.
	Marks []Mark `json:"marks"`
	// Planned is how many requests the pacers asked for by Duration; Sent is
	// how many the attackers sent (fewer than Planned when MaxWorkers capped a
	// hanging target); Recorded is how many results landed in buckets.
	// Sent == Recorded always.
	Planned  uint64 `json:"planned"`
	Sent     uint64 `json:"sent"`
	Recorded uint64 `json:"recorded"`
	// Latency is over the whole run.
	Latency Latency `json:"latency"`
	// Phases sums the buckets of each phase, in order of first appearance.
	Phases []PhaseSummary `json:"phases"`
	// Buckets cover [0, Duration) without gaps (and a request vegeta sent
	// just as it stopped); bucket i starts at i*BucketWidth.
	Buckets []Bucket `json:"buckets"`
}

// Mark is a phase change at an instant.
type Mark struct {
	Phase  string        `json:"phase"`
	At     time.Time     `json:"at"`
	Offset time.Duration `json:"offset"`
}

// Bucket holds the results of the requests sent during [Offset, Offset+BucketWidth).
type Bucket struct {
	Offset time.Duration `json:"offset"`
	Phase  string        `json:"phase"`
	Counts
	// Zones counts successful responses by "region/zone" that served them.
	Zones map[string]int `json:"zones,omitempty"`
	// Routes counts successful responses by framework.HeaderRoute
	// (local, failover, fallback).
	Routes map[string]int `json:"routes,omitempty"`
	// Clients splits the counts by client region (the stream).
	Clients map[string]Counts `json:"clients,omitempty"`
	// FirstFailure and LastFailure are the exact send offsets of the bucket's
	// first and last failed request; zero when none failed.
	FirstFailure time.Duration `json:"firstFailure,omitempty"`
	LastFailure  time.Duration `json:"lastFailure,omitempty"`
	// Latency covers every result of the bucket, failures included (a
	// timeout counts with the time it took).
	Latency Latency `json:"latency"`
}

// Counts are the outcomes of a set of requests.
type Counts struct {
	// Sent is how many requests were sent; OK how many succeeded (2xx/3xx
	// without a transport error). Sent == OK + Failures.Total().
	Sent     int      `json:"sent"`
	OK       int      `json:"ok"`
	Failures Failures `json:"failures"`
	// Regions counts successful responses by the region that served them
	// (framework.HeaderRegion; "" when the header was missing).
	Regions map[string]int `json:"regions,omitempty"`
}

// SuccessRatio is OK/Sent, or 1 when nothing was sent.
func (c Counts) SuccessRatio() float64 {
	if c.Sent == 0 {
		return 1
	}
	return float64(c.OK) / float64(c.Sent)
}

// Share is the fraction of all requests sent that region served successfully,
// or 0 when nothing was sent.
func (c Counts) Share(region string) float64 {
	if c.Sent == 0 {
		return 0
	}
	return float64(c.Regions[region]) / float64(c.Sent)
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Sent += o.Sent
	c.OK += o.OK
	c.Failures.add(o.Failures)
	c.Regions = addCounts(c.Regions, o.Regions)
}

// Latency quantiles of a set of requests.
type Latency struct {
	P50 time.Duration `json:"p50"`
	P90 time.Duration `json:"p90"`
	P99 time.Duration `json:"p99"`
	Max time.Duration `json:"max"`
}

// PhaseSummary sums the buckets of one phase.
type PhaseSummary struct {
	Phase string `json:"phase"`
	// From and To bound the phase's buckets: [From, To) from its first
	// bucket to its last (a phase that recurs spans the phases between).
	From time.Duration `json:"from"`
	To   time.Duration `json:"to"`
	Counts
	Latency Latency `json:"latency"`
}

// MarkOffset returns the offset of the first mark of phase.
func (t *Timeline) MarkOffset(phase string) (time.Duration, bool) {
	for _, m := range t.Marks {
		if m.Phase == phase {
			return m.Offset, true
		}
	}
	return 0, false
}

// Index returns the index of the bucket that holds offset, clamped to the
// buckets' range (-1 when there are none).
func (t *Timeline) Index(offset time.Duration) int {
	if len(t.Buckets) == 0 {
		return -1
	}
	i := int(offset / t.width())
	return max(0, min(i, len(t.Buckets)-1))
}

// Window returns the buckets that overlap [from, to).
func (t *Timeline) Window(from, to time.Duration) []Bucket {
	if len(t.Buckets) == 0 || to <= from {
		return nil
	}
	i := max(0, int(from/t.width()))
	j := min(len(t.Buckets), int((to+t.width()-1)/t.width()))
	if i >= j {
		return nil
	}
	return t.Buckets[i:j]
}

// Totals sums the counts of the buckets that overlap [from, to).
func (t *Timeline) Totals(from, to time.Duration) Counts {
	var c Counts
	for _, b := range t.Window(from, to) {
		c.Add(b.Counts)
	}
	return c
}

// End is the offset just past the last bucket.
func (t *Timeline) End() time.Duration { return time.Duration(len(t.Buckets)) * t.width() }

func (t *Timeline) width() time.Duration {
	if t.BucketWidth <= 0 {
		return BucketWidth
	}
	return t.BucketWidth
}

func addCounts(dst, src map[string]int) map[string]int {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]int, len(src))
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}
