package supervise

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gameday.io/gameday/framework"
)

// Check is one part of the harness to watch.
type Check struct {
	// Name says what it is, for the report: "data-plane agent (pid 4242)".
	Name string
	// Group, when set, lets a drill pause the check while a fault stops the
	// part on purpose (a region's name for its control plane).
	Group string
	// Probe returns nil while the part is healthy. It is called every
	// Interval (the Supervisor's when zero) with a context bounded by Timeout.
	Probe func(ctx context.Context) error
	// Interval between probes (default: the Supervisor's interval).
	Interval time.Duration
	// Timeout bounds one probe (default 10 s); a probe that does not return
	// in time fails.
	Timeout time.Duration
	// Tolerate is how many consecutive failed probes are tolerated: the
	// part has failed at the Tolerate+1th (0: at the first). A process that
	// is gone is gone; an API may miss an answer under load.
	Tolerate int
}

// Failure is the cause a supervised context ends with.
type Failure struct {
	// Check names the part that failed.
	Check string
	// Err is what its last probe said.
	Err error
	// At is when the failure was established.
	At time.Time
}

func (f *Failure) Error() string { return fmt.Sprintf("the harness failed: %s: %v", f.Check, f.Err) }
func (f *Failure) Unwrap() error { return f.Err }

// AsFailure returns the harness failure that ended ctx, if one did.
func AsFailure(ctx context.Context) (*Failure, bool) {
	var f *Failure
	ok := errors.As(context.Cause(ctx), &f)
	return f, ok
}

// Options tune a Supervisor.
type Options struct {
	// Interval between probes of a check (default 1 s).
	Interval time.Duration
	// ResumeGrace is how long after Resume a group's failures are not
	// counted: a restarted control plane needs a moment for every process
	// to come back (default 30 s).
	ResumeGrace time.Duration
	Logger      *slog.Logger
}

// Supervisor runs checks until Stop, and ends its context at the first
// failure.
type Supervisor struct {
	o      Options
	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	paused  map[string]bool
	resumed map[string]time.Time
	failure *Failure
	stopped bool
}

// Start begins supervising checks; the returned context ends when ctx does
// or, with a *Failure as its cause, when a check fails. Add more checks
// with Add; Stop ends supervision (the context stays as it is).
func Start(ctx context.Context, o Options, checks ...Check) (context.Context, *Supervisor, error) {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.ResumeGrace <= 0 {
		o.ResumeGrace = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = framework.DiscardLogger()
	}
	cctx, cancel := context.WithCancelCause(ctx)
	s := &Supervisor{o: o, ctx: cctx, cancel: cancel, paused: map[string]bool{}, resumed: map[string]time.Time{}}
	for _, c := range checks {
		if err := s.Add(c); err != nil {
			s.Stop()
			return nil, nil, err
		}
	}
	return cctx, s, nil
}

// Add starts supervising one more check.
func (s *Supervisor) Add(c Check) error {
	if c.Name == "" || c.Probe == nil {
		return fmt.Errorf("supervise: a check needs a name and a probe (got %q): %w", c.Name, framework.ErrInvalid)
	}
	if c.Interval <= 0 {
		c.Interval = s.o.Interval
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.wg.Add(1)
	go s.watch(c)
	return nil
}

// watch probes c until the supervised context ends.
func (s *Supervisor) watch(c Check) {
	defer s.wg.Done()
	tick := time.NewTicker(c.Interval)
	defer tick.Stop()
	failed := 0
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-tick.C:
		}
		if s.isPaused(c.Group, time.Now()) {
			failed = 0
			continue
		}
		pctx, cancel := context.WithTimeout(s.ctx, c.Timeout)
		err := c.Probe(pctx)
		cancel()
		if s.ctx.Err() != nil {
			return // ended meanwhile: not the part's fault
		}
		if err == nil || s.isPaused(c.Group, time.Now()) {
			failed = 0
			continue
		}
		failed++
		s.o.Logger.Warn("harness check failed", "check", c.Name, "consecutive", failed, "err", err)
		if failed > c.Tolerate || isDefinite(err) {
			s.fail(&Failure{Check: c.Name, Err: err, At: time.Now()})
			return
		}
	}
}

// isPaused reports whether group's checks do not count at now: paused, or
// resumed less than ResumeGrace ago.
func (s *Supervisor) isPaused(group string, now time.Time) bool {
	if group == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused[group] || now.Before(s.resumed[group].Add(s.o.ResumeGrace))
}

func (s *Supervisor) fail(f *Failure) {
	s.mu.Lock()
	if s.failure != nil || s.stopped {
		s.mu.Unlock()
		return
	}
	s.failure = f
	s.mu.Unlock()
	s.o.Logger.Error("the harness failed: stopping the drill", "check", f.Check, "err", f.Err)
	s.cancel(f)
}

// Pause stops counting the failures of group's checks, before a fault stops
// that part on purpose.
func (s *Supervisor) Pause(group string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paused[group] = true
}

// Resume counts group's failures again, ResumeGrace from now.
func (s *Supervisor) Resume(group string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.paused, group)
	s.resumed[group] = time.Now()
}

// Failure returns the failure that ended the context, nil if none did.
func (s *Supervisor) Failure() *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failure
}

// Stop ends supervision and waits for the checks to return. It ends the
// supervised context too (unless a failure did; the cause is then
// ErrStopped), so call it once the work under supervision is done.
func (s *Supervisor) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.cancel(ErrStopped)
	s.wg.Wait()
}

// Definite marks a probe's error as needing no confirmation by further
// probes (the part reported its own failure, unlike a missed answer): the
// check fails at once, whatever it tolerates.
func Definite(err error) error { return &definite{err} }

type definite struct{ err error }

func (d *definite) Error() string { return d.err.Error() }
func (d *definite) Unwrap() error { return d.err }

func isDefinite(err error) bool {
	var d *definite
	return errors.As(err, &d)
}

// ErrStopped is the cause of a supervised context Stop ended.
var ErrStopped = errors.New("supervision stopped")
