package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/secure-systems-lab/go-securesystemslib/signerverifier"

	"gameday.io/gameday/framework"
)

// ErrVerification marks a bundle that does not verify.
var ErrVerification = errors.New("bundle does not verify")

// Problem is one thing wrong with a bundle, naming the file behind it.
type Problem struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.File + ": " + p.Message }

// Report is the outcome of Verify.
type Report struct {
	Dir string `json:"dir"`
	// KeyID is the id of the key the signature verified with ("" when it did not).
	KeyID string `json:"keyID,omitempty"`
	// Result is the predicate's result (PASSED, FAILED) and URL its run URL,
	// of a verified statement.
	Result string `json:"result,omitempty"`
	URL    string `json:"url,omitempty"`
	// Checked lists the files whose digest matched.
	Checked []string `json:"checked"`
	// Problems lists everything wrong; none means the bundle verifies.
	Problems []Problem `json:"problems"`
}

// OK reports whether the bundle verified.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Err is nil when the bundle verified, else an ErrVerification error listing the problems.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	msgs := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		msgs[i] = p.String()
	}
	return fmt.Errorf("%s: %w: %s", r.Dir, ErrVerification, strings.Join(msgs, "; "))
}

func (r *Report) problem(file, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{File: file, Message: fmt.Sprintf(format, args...)})
}

// VerifyOption configures Verify.
type VerifyOption func(*verifyOptions)

type verifyOptions struct{ trusted []byte }

// WithTrustedKey pins the public key (PEM) the bundle must be signed with.
// Default: the bundle's own signing-key.pub, which proves the files were not
// changed after signing but not who signed them.
func WithTrustedKey(pem []byte) VerifyOption { return func(o *verifyOptions) { o.trusted = pem } }

// Verify checks a bundle: the attestation's form, its signature, that the
// statement lists every file of dir with its SHA-256 and nothing else.
// Problems name the file behind them; the error is only for a dir that
// cannot be read.
func Verify(ctx context.Context, dir string, opts ...VerifyOption) (*Report, error) {
	o := verifyOptions{}
	for _, opt := range opts {
		opt(&o)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("verify %s: not a bundle directory: %w", dir, framework.ErrNotFound)
	}
	r := &Report{Dir: dir, Checked: []string{}, Problems: []Problem{}}
	names, problems, err := listFiles(dir)
	if err != nil {
		return nil, err
	}
	r.Problems = append(r.Problems, problems...)

	data, err := os.ReadFile(filepath.Join(dir, AttestationFile))
	if err != nil {
		r.problem(AttestationFile, "missing: the bundle is not signed")
		return r, nil
	}
	env, err := parseEnvelope(data)
	if err != nil {
		r.problem(AttestationFile, "%v", err)
		return r, nil
	}
	r.verifySignature(ctx, dir, env, o.trusted)
	payload, err := env.DecodeB64Payload()
	if err != nil {
		r.problem(AttestationFile, "payload: %v", err)
		return r, nil
	}
	st, err := parseStatement(payload)
	if err != nil {
		r.problem(AttestationFile, "statement: %v", err)
		return r, nil
	}
	if r.KeyID != "" {
		fields := st.GetPredicate().GetFields()
		r.Result, r.URL = fields["result"].GetStringValue(), fields["url"].GetStringValue()
	}
	listed := map[string]bool{}
	for _, s := range st.GetSubject() {
		name := s.GetName()
		if !safeName(name) {
			r.problem(AttestationFile, "subject %q is not a file name inside the bundle", name)
			continue
		}
		listed[name] = true
		r.checkDigest(dir, name, s.GetDigest()["sha256"])
	}
	for _, n := range names {
		if !listed[n] {
			r.problem(n, "not covered by the attestation (added after signing)")
		}
	}
	return r, nil
}

// verifySignature checks env's signature with the trusted key or the bundle's own.
func (r *Report) verifySignature(ctx context.Context, dir string, env *dsse.Envelope, trusted []byte) {
	keyData, err := os.ReadFile(filepath.Join(dir, PublicKeyFile))
	if err != nil {
		r.problem(PublicKeyFile, "missing")
		if trusted == nil {
			return
		}
	}
	var v *signerverifier.ED25519SignerVerifier
	if keyData != nil {
		if v, err = verifier(keyData, true); err != nil {
			r.problem(PublicKeyFile, "%v", err)
		}
	}
	if trusted != nil {
		tv, err := verifier(trusted, false)
		if err != nil {
			r.problem(PublicKeyFile, "trusted key: %v", err)
			return
		}
		if v != nil && keyID(v) != keyID(tv) {
			r.problem(PublicKeyFile, "key %s is not the trusted key %s", keyID(v), keyID(tv))
		}
		v = tv
	}
	if v == nil {
		return
	}
	ev, err := dsse.NewEnvelopeVerifier(v)
	if err != nil {
		r.problem(AttestationFile, "%v", err)
		return
	}
	accepted, err := ev.Verify(ctx, env)
	if err != nil || len(accepted) == 0 {
		r.problem(AttestationFile, "signature does not verify with key %s", keyID(v))
		return
	}
	r.KeyID = accepted[0].KeyID
}

func (r *Report) checkDigest(dir, name, want string) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		r.problem(name, "missing (listed in the attestation)")
		return
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != want {
		r.problem(name, "SHA-256 %s does not match the attested %s: modified after signing", got, want)
		return
	}
	r.Checked = append(r.Checked, name)
}

// safeName reports whether a subject names a file inside the bundle.
func safeName(name string) bool {
	return name != "" && fs.ValidPath(name) && name != "." && path.Clean(name) == name
}

// listFiles lists the regular files under dir as slash paths, sorted, but
// the attestation; anything else there (symlinks, devices) is a problem.
func listFiles(dir string) ([]string, []Problem, error) {
	var names []string
	var problems []Problem
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			return nil
		case !d.Type().IsRegular():
			problems = append(problems, Problem{File: rel, Message: "not a regular file (" + d.Type().String() + ")"})
		case rel != AttestationFile:
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list bundle %s: %w", dir, err)
	}
	slices.Sort(names)
	return names, problems, nil
}
