package bundle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"gameday.io/gameday/framework/evidence"
)

// SignOff records approver's sign-off (at, with comment) in the bundle's
// evidence, re-renders report.html and summary.md and re-signs the bundle
// with k. It refuses a bundle that does not verify (opts pin its key): an
// approver must not sign what was changed after the run.
func SignOff(ctx context.Context, dir string, k *Key, approver, comment string, at time.Time, opts ...VerifyOption) (*Result, error) {
	ev, url, err := verified(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	if err := ev.SignOff(approver, comment, k.ID(), at); err != nil {
		return nil, err
	}
	return rerender(ctx, dir, ev, k, url)
}

// Render re-renders report.html and summary.md from the bundle's
// evidence.json, with g as its game-day record when g is not nil, and
// re-signs the bundle with k. A changed game-day record drops an earlier
// sign-off (droppedSignOff says so). A bundle that was signed must verify
// first (opts pin its key); an unsigned directory holding only an
// evidence.json is rendered and signed.
func Render(ctx context.Context, dir string, k *Key, g *evidence.GameDay, opts ...VerifyOption) (res *Result, droppedSignOff bool, err error) {
	var (
		ev  *evidence.Evidence
		url string
	)
	if _, statErr := os.Stat(filepath.Join(dir, AttestationFile)); errors.Is(statErr, os.ErrNotExist) {
		ev, err = evidence.ReadFile(filepath.Join(dir, EvidenceFile))
	} else {
		ev, url, err = verified(ctx, dir, opts)
	}
	if err != nil {
		return nil, false, err
	}
	if g != nil {
		droppedSignOff = ev.SetGameDay(*g)
	}
	res, err = rerender(ctx, dir, ev, k, url)
	return res, droppedSignOff, err
}

// verified verifies the bundle and reads its evidence and run URL.
func verified(ctx context.Context, dir string, opts []VerifyOption) (*evidence.Evidence, string, error) {
	rep, err := Verify(ctx, dir, opts...)
	if err != nil {
		return nil, "", err
	}
	if err := rep.Err(); err != nil {
		return nil, "", fmt.Errorf("refusing to re-sign: %w", err)
	}
	ev, err := evidence.ReadFile(filepath.Join(dir, EvidenceFile))
	return ev, rep.URL, err
}

// rerender writes the derived files and signs again, keeping the predicate's URL.
func rerender(ctx context.Context, dir string, ev *evidence.Evidence, k *Key, url string) (*Result, error) {
	ev.Finalize()
	evidence.Redact(ev)
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	if err := render(dir, ev); err != nil {
		return nil, err
	}
	return attest(ctx, dir, ev, k, url)
}
