package load

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// ErrNotRunning marks a Mark on a Generator that is not running.
var ErrNotRunning = errors.New("load generator is not running")

// Generator sends inference load to one URL. It is reusable: each Start
// begins a new run with fresh attackers and a new timeline. Its methods are
// safe for concurrent use.
type Generator struct {
	base string
	s    settings

	mu   sync.Mutex
	run  *run
	last *Timeline
}

// New returns a Generator for the global inference URL (the base URL; the v1
// and v2 paths are appended). Invalid options or URL: an error wrapping
// framework.ErrInvalid.
func New(url string, opts ...Option) (*Generator, error) {
	base, err := parseBase(url)
	if err != nil {
		return nil, err
	}
	s := defaults()
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if len(s.knownRegions) > 0 {
		for _, r := range s.clientRegions {
			if !slices.Contains(s.knownRegions, r) {
				return nil, invalid("unknown client region %q (regions: %v)", r, s.knownRegions)
			}
		}
	}
	return &Generator{base: base, s: s}, nil
}

// URL is the base URL the generator sends to.
func (g *Generator) URL() string { return g.base }

// run is one attack: its streams, attackers and recorder.
type run struct {
	rec      *recorder
	streams  []*stream
	pacers   []*rampPacer
	sent     sends
	stopOnce sync.Once
	stop     chan struct{}
	stopped  time.Time // when the attackers were told to stop; read after done
	done     chan struct{}
}

// Start probes the target (unless WithProbe(false, 0)), then begins sending
// load in the background until Stop is called or ctx ends. Starting a running
// Generator is an error.
func (g *Generator) Start(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.run != nil {
		return fmt.Errorf("load: generator for %s is already running", g.base)
	}
	clients := g.s.clientRegions
	if len(clients) == 0 {
		clients = []string{""}
	}
	r := &run{stop: make(chan struct{}), done: make(chan struct{}), sent: sends{since: time.Now()}}
	for _, c := range clients {
		r.streams = append(r.streams, newStream(g.base, g.s.model, c, g.s.v2Fraction, &r.sent))
	}
	if g.s.probe {
		if err := probe(ctx, r.streams[0], g.s.probeTimeout); err != nil {
			return err
		}
	}
	workers := max(1, g.s.maxWorkers/len(clients))
	r.rec = newRecorder(time.Now(), g.s.phase, clients)
	var drained sync.WaitGroup
	var stops []func()
	for i, st := range r.streams {
		p := &rampPacer{rate: g.s.rate / float64(len(clients)), ramp: g.s.ramp}
		r.pacers = append(r.pacers, p)
		a, closeIdle := g.attacker(workers)
		stops = append(stops, func() { a.Stop() })
		results := a.Attack(st.targeter(), p, 0, st.client)
		drained.Add(1)
		go func() {
			defer drained.Done()
			defer closeIdle()
			for res := range results {
				r.rec.record(res, i)
			}
		}()
	}
	go func() {
		select {
		case <-ctx.Done():
		case <-r.stop:
		}
		r.stopped = time.Now()
		for _, s := range stops {
			s()
		}
		drained.Wait()
		close(r.done)
	}()
	if g.s.progress != nil {
		go r.reportProgress(g.s.progress, g.s.progressInterval)
	}
	g.run = r
	g.s.logger.Info("load started", "url", g.base, "rate", g.s.rate, "streams", len(clients), "maxWorkers", g.s.maxWorkers)
	return nil
}

// attacker returns a fresh vegeta attacker, always bounded, and a function
// that closes its idle connections after the attack.
func (g *Generator) attacker(workers int) (*vegeta.Attacker, func()) {
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: g.s.timeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: workers,
		IdleConnTimeout:     30 * time.Second,
	}
	a := vegeta.NewAttacker(
		vegeta.Client(&http.Client{Transport: tr}),
		vegeta.Timeout(g.s.timeout),
		vegeta.Workers(uint64(min(workers, vegeta.DefaultWorkers))),
		vegeta.MaxWorkers(uint64(workers)),
		vegeta.MaxBody(MaxBody),
	)
	return a, tr.CloseIdleConnections
}

// Mark starts phase now: the buckets that follow are tagged with it and the
// timeline keeps the instant.
func (g *Generator) Mark(phase string) (Mark, error) {
	if phase == "" {
		return Mark{}, invalid("phase is empty")
	}
	g.mu.Lock()
	r := g.run
	g.mu.Unlock()
	if r == nil {
		return Mark{}, fmt.Errorf("load: mark %q: %w", phase, ErrNotRunning)
	}
	m := r.rec.mark(phase, time.Now())
	g.s.logger.Info("load phase", "phase", phase, "offset", m.Offset)
	return m, nil
}

// Running reports whether a run is in progress (Start was called, Stop was
// not, and its context has not ended).
func (g *Generator) Running() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.run == nil {
		return false
	}
	select {
	case <-g.run.done:
		return false
	default:
		return true
	}
}

// Snapshot returns the timeline of the current run so far (the last run's
// when none is running; nil before the first).
func (g *Generator) Snapshot() *Timeline {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.run == nil {
		return g.last
	}
	tl := g.run.rec.timeline(time.Since(g.run.rec.start))
	g.fill(tl, g.run, time.Since(g.run.rec.start))
	return tl
}

// Stop ends the run, waits until every request in flight has completed (at
// most the request timeout) and returns the run's Timeline. Without a run it
// returns the last run's timeline, or nil.
func (g *Generator) Stop() *Timeline {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.run
	if r == nil {
		return g.last
	}
	r.stopOnce.Do(func() { close(r.stop) })
	<-r.done
	d := r.end().Sub(r.rec.start)
	tl := r.rec.timeline(d)
	g.fill(tl, r, d)
	g.run, g.last = nil, tl
	g.s.logger.Info("load stopped", "sent", tl.Sent, "recorded", tl.Recorded, "duration", d)
	return tl
}

// end is when the run stopped sending: when the attackers were told to stop,
// or the latest request if one was still handed out after that (an attacker
// notices the stop only between hits, and the goroutine that stops them may
// itself wait for a core). Duration, and the requests Planned by it, then
// cover every request Sent. Read after done.
func (r *run) end() time.Time {
	if last := r.sent.lastAt(); last.After(r.stopped) {
		return last
	}
	return r.stopped
}

// fill sets what the recorder does not know.
func (g *Generator) fill(tl *Timeline, r *run, d time.Duration) {
	tl.URL, tl.Rate, tl.Ramp = g.base, g.s.rate, g.s.ramp
	tl.ClientRegions = slices.Clone(g.s.clientRegions)
	tl.Sent = r.sent.n.Load()
	for _, p := range r.pacers {
		tl.Planned += uint64(p.expected(d))
	}
}
