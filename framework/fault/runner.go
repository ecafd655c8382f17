package fault

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// Prepare validates a spec against the target and plans it. Nothing changes.
func Prepare(ctx context.Context, t *Target, s Spec) (*Plan, error) {
	if err := t.Guard.CheckEnvironment(t.Env); err != nil {
		return nil, err
	}
	if err := s.Validate(t.Topology); err != nil {
		return nil, err
	}
	p := &Plan{ID: newID(s.Kind, t.now()), Spec: s, Environment: t.Env.Name}
	d, _ := Lookup(s.Kind)
	if err := implFor(t, d).Plan(ctx, t, p); err != nil {
		return nil, fmt.Errorf("plan %s: %w", s.Kind, err)
	}
	if err := attachChaosMesh(p, t.Workload); err != nil {
		return nil, err
	}
	return p, nil
}

// Inject journals a plan, then applies it until its duration ends. If the
// injection fails, what was applied is reverted at once.
func Inject(ctx context.Context, t *Target, p *Plan) (*Entry, error) {
	now := t.now()
	e := &Entry{Plan: *p, State: StateInjecting, PlannedAt: now, Until: now.Add(p.Spec.Duration), PID: os.Getpid(), Result: &Result{}}
	if err := t.Journal.Write(e); err != nil {
		return nil, fmt.Errorf("journal fault %s before injecting it: %w", p.ID, err)
	}
	t.log().Info("injecting fault", "id", p.ID, "fault", p.Spec.String())
	d, err := Lookup(p.Spec.Kind)
	if err != nil {
		return nil, err
	}
	if err := implFor(t, d).Inject(ctx, t, p, e.Until, e.Result); err != nil {
		err = fmt.Errorf("inject %s: %w", p.Spec.Kind, err)
		rerr := revertEntry(ctx, t, e)
		e.State, e.Error = StateFailed, errors.Join(err, rerr).Error()
		if rerr == nil {
			e.State = StateReverted
		}
		if jerr := t.Journal.Write(e); jerr != nil {
			rerr = errors.Join(rerr, fmt.Errorf("journal the failed injection of %s: %w", e.ID, jerr))
		}
		return e, errors.Join(err, rerr)
	}
	e.State, e.InjectedAt = StateActive, t.now()
	if d.Instant {
		// A killed pod is gone at once; nothing stays in effect to revert.
		e.State, e.RevertedAt = StateReverted, e.InjectedAt
	}
	return e, t.Journal.Write(e)
}

// Revert undoes a journalled fault and records it. Reverting a fault that is
// reverted already succeeds; an unknown ID is ErrNotFound.
func Revert(ctx context.Context, t *Target, id string) (*Entry, error) {
	e, err := t.Journal.Get(id)
	if err != nil {
		return nil, err
	}
	if !e.Open() {
		return e, nil
	}
	return e, revertEntry(ctx, t, e)
}

// revertEntry reverts e with a context that survives ctx's cancellation and
// journals the outcome.
func revertEntry(ctx context.Context, t *Target, e *Entry) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.Timeouts.RevertTimeout())
	defer cancel()
	d, err := Lookup(e.Spec.Kind)
	if err == nil {
		impl := implFor(t, d)
		if rr, ok := impl.(resultReverter); ok {
			if e.Result == nil {
				e.Result = &Result{}
			}
			err = rr.RevertInto(rctx, t, &e.Plan, e.Result)
		} else {
			err = impl.Revert(rctx, t, &e.Plan)
		}
	}
	if err != nil {
		e.State, e.Error = StateFailed, fmt.Sprintf("revert: %v", err)
		if jerr := t.Journal.Write(e); jerr != nil {
			err = errors.Join(err, fmt.Errorf("journal the failed revert: %w", jerr))
		}
		return fmt.Errorf("revert fault %s: %w", e.ID, err)
	}
	e.State, e.RevertedAt = StateReverted, t.now()
	t.log().Info("fault reverted", "id", e.ID, "after", e.RevertedAt.Sub(e.PlannedAt).Round(time.Millisecond))
	return t.Journal.Write(e)
}

// resultReverter is a kind whose revert adds to the fault's result (the
// Chaos Mesh status history of the recovery).
type resultReverter interface {
	RevertInto(ctx context.Context, t *Target, p *Plan, res *Result) error
}

// Hooks let a caller act while Run holds a fault.
type Hooks struct {
	// Progress, if set, is called every second with the time left.
	Progress func(left time.Duration)
	// Injected, if set, is called once the fault is in effect.
	Injected func(e *Entry)
	// BeforeRevert, if set, is called when the hold has run its course,
	// before the revert (not when ctx ended it early).
	BeforeRevert func(ctx context.Context, e *Entry)
}

// Run injects a planned fault, holds it for its duration (or until ctx ends:
// interrupt, timeout) and reverts it: the whole lifecycle every caller (the
// CLI, drills) shares. The revert runs however Run ends.
func Run(ctx context.Context, t *Target, p *Plan, h Hooks) (*Entry, error) {
	e, err := Inject(ctx, t, p)
	if err != nil {
		return e, err
	}
	if h.Injected != nil {
		h.Injected(e)
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	end := time.NewTimer(time.Until(e.Until))
	defer end.Stop()
hold:
	for {
		select {
		case <-ctx.Done():
			t.log().Warn("interrupted: reverting the fault now", "id", e.ID)
			break hold
		case <-end.C:
			if h.BeforeRevert != nil {
				h.BeforeRevert(ctx, e)
			}
			break hold
		case <-tick.C:
			if h.Progress != nil {
				h.Progress(time.Until(e.Until).Round(time.Second))
			}
		}
	}
	if e.Open() {
		if err := revertEntry(ctx, t, e); err != nil {
			return e, err
		}
	}
	return e, ctx.Err()
}

// Recover reverts every fault the journal says may still be in effect
// (a run killed with SIGKILL leaves them), oldest last.
func Recover(ctx context.Context, t *Target) ([]*Entry, error) {
	entries, err := t.Journal.List()
	if err != nil {
		return nil, err
	}
	var done []*Entry
	var errs []error
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if !e.Open() {
			continue
		}
		if err := revertEntry(ctx, t, e); err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, e)
	}
	// On a cluster gameday does not own, also whatever Chaos Mesh object of
	// this environment is left (a run killed between applying and journalling
	// the outcome), found by its label.
	objs, err := RecoverChaosMesh(ctx, t)
	for _, o := range objs {
		t.log().Warn("deleted a Chaos Mesh object a run left", "object", o)
	}
	if err != nil {
		errs = append(errs, err)
	}
	return done, errors.Join(errs...)
}

// Active lists the journalled faults that may still be in effect.
func Active(t *Target) ([]*Entry, error) {
	entries, err := t.Journal.List()
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range entries {
		if e.Open() {
			out = append(out, e)
		}
	}
	return out, nil
}
