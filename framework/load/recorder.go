package load

import (
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"gameday.io/gameday/framework"
)

// recorder folds results into buckets as they arrive; it keeps no result.
type recorder struct {
	mu       sync.Mutex
	start    time.Time
	clients  []string // stream i's client region ("" for none)
	marks    []Mark
	buckets  []rbucket
	recorded uint64
	total    histogram
	window   progressWindow
	lastSeen time.Time // when the latest result was recorded
}

// rbucket is a bucket being filled. It keeps small tallies rather than maps
// (a bucket sees a handful of regions, zones and routes) and turns into a
// Bucket when a timeline is built.
type rbucket struct {
	rcounts
	zones, routes             tally
	clients                   []rcounts // by stream
	firstFailure, lastFailure time.Duration
	hist                      histogram
}

type rcounts struct {
	sent, ok int
	failures Failures
	regions  tally
}

func newRecorder(start time.Time, phase string, clients []string) *recorder {
	return &recorder{start: start, clients: clients, marks: []Mark{{Phase: phase, At: start}}}
}

// mark starts phase now and returns the mark.
func (r *recorder) mark(phase string, now time.Time) Mark {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := Mark{Phase: phase, At: now, Offset: now.Sub(r.start)}
	r.marks = append(r.marks, m)
	return m
}

// record adds one result sent by stream number stream (-1: none).
func (r *recorder) record(res *vegeta.Result, stream int) {
	cause := Classify(res.Code, res.Error)
	off := max(res.Timestamp.Sub(r.start), 0)
	var region, zone, route string
	if cause == CauseNone {
		region = res.Headers.Get(framework.HeaderRegion)
		zone = res.Headers.Get(framework.HeaderZone)
		route = res.Headers.Get(framework.HeaderRoute)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastSeen = time.Now()
	r.recorded++
	b := r.bucket(int(off / BucketWidth))
	b.count(cause, region)
	if stream >= 0 && r.clients[stream] != "" {
		if b.clients == nil {
			b.clients = make([]rcounts, len(r.clients))
		}
		b.clients[stream].count(cause, region)
	}
	if cause == CauseNone {
		if zone != "" {
			b.zones.inc(region, zone)
		}
		if route != "" {
			b.routes.inc(route, "")
		}
	} else {
		if b.firstFailure == 0 || off < b.firstFailure {
			b.firstFailure = off
		}
		b.lastFailure = max(b.lastFailure, off)
	}
	b.hist.add(res.Latency)
	r.total.add(res.Latency)
	r.window.add(res.Latency, cause, region)
}

func (c *rcounts) count(cause Cause, region string) {
	c.sent++
	if cause == CauseNone {
		c.ok++
		c.regions.inc(region, "")
		return
	}
	c.failures.Inc(cause)
}

func (c *rcounts) public() Counts {
	return Counts{Sent: c.sent, OK: c.ok, Failures: c.failures, Regions: c.regions.toMap()}
}

// tally counts a few keys, each one or two strings (region, or region and zone).
type tally []tallyEntry

type tallyEntry struct {
	a, b string
	n    int
}

func (t *tally) inc(a, b string) {
	for i := range *t {
		if e := &(*t)[i]; e.a == a && e.b == b {
			e.n++
			return
		}
	}
	*t = append(*t, tallyEntry{a, b, 1})
}

// toMap keys the counts by a, or by "a/b" when b is set.
func (t tally) toMap() map[string]int {
	if len(t) == 0 {
		return nil
	}
	m := make(map[string]int, len(t))
	for _, e := range t {
		k := e.a
		if e.b != "" {
			k += "/" + e.b
		}
		m[k] += e.n
	}
	return m
}

// bucket returns bucket i, creating it and every one before it.
func (r *recorder) bucket(i int) *rbucket {
	for len(r.buckets) <= i {
		r.buckets = append(r.buckets, rbucket{})
	}
	return &r.buckets[i]
}

// timeline builds the Timeline of everything recorded so far, covering
// [0, duration). The recorder keeps working.
func (r *recorder) timeline(duration time.Duration) *Timeline {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := int((duration + BucketWidth - 1) / BucketWidth); n > 0 {
		r.bucket(n - 1)
	}
	tl := &Timeline{
		Start:       r.start,
		Duration:    duration,
		BucketWidth: BucketWidth,
		Marks:       append([]Mark(nil), r.marks...),
		Recorded:    r.recorded,
		Latency:     r.total.latency(),
		Buckets:     make([]Bucket, len(r.buckets)),
	}
	var phases []*phaseAcc
	for i := range r.buckets {
		rb := &r.buckets[i]
		b := rb.public(i, r.clients)
		b.Phase = phaseAt(r.marks, b.Offset+BucketWidth)
		tl.Buckets[i] = b
		if len(phases) == 0 || phases[len(phases)-1].Phase != b.Phase {
			phases = append(phases, &phaseAcc{PhaseSummary: PhaseSummary{Phase: b.Phase, From: b.Offset}})
		}
		p := phases[len(phases)-1]
		p.To = b.Offset + BucketWidth
		p.Add(b.Counts)
		p.hist.merge(&rb.hist)
	}
	tl.Phases = mergePhases(phases)
	return tl
}

func (rb *rbucket) public(i int, clients []string) Bucket {
	b := Bucket{
		Offset:       time.Duration(i) * BucketWidth,
		Counts:       rb.rcounts.public(),
		Zones:        rb.zones.toMap(),
		Routes:       rb.routes.toMap(),
		FirstFailure: rb.firstFailure,
		LastFailure:  rb.lastFailure,
		Latency:      rb.hist.latency(),
	}
	for i, c := range rb.clients {
		if c.sent > 0 {
			if b.Clients == nil {
				b.Clients = make(map[string]Counts, len(rb.clients))
			}
			b.Clients[clients[i]] = c.public()
		}
	}
	return b
}
