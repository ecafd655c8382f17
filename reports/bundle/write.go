package bundle

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/reports"
	"gameday.io/gameday/reports/internal/atomicfile"
)

// Option configures Write.
type Option func(*options)

type options struct {
	junit, ginkgoJSON string
	key               *Key
	redactor          *evidence.Redactor
	url               string
}

// WithJUnit enriches Ginkgo's JUnit report at path into the bundle's
// junit.xml (reports.EnrichJUnit). Default: no junit.xml.
func WithJUnit(path string) Option { return func(o *options) { o.junit = path } }

// WithGinkgoJSON copies Ginkgo's JSON report at path into the bundle's
// ginkgo-report.json (reports.CopyGinkgoJSON). Default: none. Keep Ginkgo's
// own reports outside dir: the copies are redacted, the originals are not,
// and every file in dir is signed.
func WithGinkgoJSON(path string) Option { return func(o *options) { o.ginkgoJSON = path } }

// WithKey signs with k. Default: a key generated for this run (its public
// half is in the bundle; keep a key per environment with LoadOrCreateKey
// to sign every run of it with the same key).
func WithKey(k *Key) Option { return func(o *options) { o.key = k } }

// WithRedactor scrubs the secrets r knows (e.g. from the fixtures'
// manifests) from everything written. Default: redaction by name only.
func WithRedactor(r *evidence.Redactor) Option { return func(o *options) { o.redactor = r } }

// WithURL records where the run can be seen (a CI job) in the predicate.
func WithURL(url string) Option { return func(o *options) { o.url = url } }

// Result describes a written bundle.
type Result struct {
	Dir     string
	KeyID   string
	Verdict evidence.Verdict
	// Files are the signed files (the statement's subjects), by name.
	Files []evidence.FileDigest
}

// Write renders ev into dir (created if needed) and signs it: evidence.json,
// report.html, summary.md, the optional Ginkgo reports, signing-key.pub and
// attestation.intoto.jsonl. ev is not changed: Write finalises and redacts
// a copy, and refuses evidence that does not validate. Every regular file in
// dir ends up a subject of the statement, so files the caller put there
// (logs, the fault journal) are signed too.
func Write(ctx context.Context, dir string, ev *evidence.Evidence, opts ...Option) (*Result, error) {
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	if o.redactor == nil {
		o.redactor = evidence.NewRedactor()
	}
	if o.key == nil {
		k, err := GenerateKey()
		if err != nil {
			return nil, err
		}
		o.key = k
	}
	ev, err := ev.Clone()
	if err != nil {
		return nil, err
	}
	ev.Finalize()
	o.redactor.Redact(ev)
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bundle %s: %w", dir, err)
	}
	if err := render(dir, ev); err != nil {
		return nil, err
	}
	if o.junit != "" {
		if err := reports.EnrichJUnit(o.junit, filepath.Join(dir, JUnitFile), ev, o.redactor); err != nil {
			return nil, err
		}
	}
	if o.ginkgoJSON != "" {
		if err := reports.CopyGinkgoJSON(o.ginkgoJSON, filepath.Join(dir, GinkgoJSONFile), o.redactor); err != nil {
			return nil, err
		}
	}
	return attest(ctx, dir, ev, o.key, o.url)
}

// render writes the files derived from the evidence.
func render(dir string, ev *evidence.Evidence) error {
	for _, f := range []struct {
		name   string
		render func(*evidence.Evidence, io.Writer) error
	}{
		{EvidenceFile, reports.WriteJSON},
		{SummaryFile, reports.WriteMarkdown},
		{HTMLFile, reports.WriteHTML},
	} {
		var buf bytes.Buffer
		if err := f.render(ev, &buf); err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(dir, f.name), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// attest writes the public key and a statement over every other file, signed by k.
func attest(ctx context.Context, dir string, ev *evidence.Evidence, k *Key, url string) (*Result, error) {
	if err := atomicfile.Write(filepath.Join(dir, PublicKeyFile), k.PublicPEM()); err != nil {
		return nil, err
	}
	names, problems, err := listFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("bundle %s: %s: %s: %w", dir, problems[0].File, problems[0].Message, framework.ErrInvalid)
	}
	subjects := make([]evidence.FileDigest, 0, len(names))
	for _, n := range names {
		d, err := evidence.HashFile(filepath.Join(dir, filepath.FromSlash(n)))
		if err != nil {
			return nil, err
		}
		d.Path = n
		subjects = append(subjects, d)
	}
	payload, err := statement(subjects, predicate(ev, url))
	if err != nil {
		return nil, err
	}
	line, err := sign(ctx, k, payload)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(dir, AttestationFile), line); err != nil {
		return nil, err
	}
	return &Result{Dir: dir, KeyID: k.ID(), Verdict: ev.Verdict, Files: subjects}, nil
}
