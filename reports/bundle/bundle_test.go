package bundle_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
	"gameday.io/gameday/reports/bundle"
)

// allFiles are a complete bundle's files, sorted.
var allFiles = []string{
	bundle.AttestationFile, bundle.EvidenceFile, bundle.GinkgoJSONFile, bundle.JUnitFile,
	bundle.HTMLFile, bundle.PublicKeyFile, bundle.SummaryFile,
}

func TestWriteVerify(t *testing.T) {
	dir, k := writeBundle(t, failing(), bundle.WithURL("https://ci.example/run/1"))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, allFiles) {
		t.Errorf("bundle holds %v, want %v", names, allFiles)
	}
	rep := verify(t, dir)
	if !rep.OK() {
		t.Fatalf("a fresh bundle does not verify: %v", rep.Problems)
	}
	if rep.KeyID != k.ID() || rep.Result != "FAILED" || rep.URL != "https://ci.example/run/1" {
		t.Errorf("verified key %s result %s url %s; want key %s, FAILED", rep.KeyID, rep.Result, rep.URL, k.ID())
	}
	if want := len(allFiles) - 1; len(rep.Checked) != want {
		t.Errorf("checked %v, want %d files", rep.Checked, want)
	}
	pem, _ := os.ReadFile(filepath.Join(dir, bundle.PublicKeyFile))
	if rep := verify(t, dir, bundle.WithTrustedKey(pem)); !rep.OK() {
		t.Errorf("pinned to its own key: %v", rep.Problems)
	}
}

// TestVerifyNamesTamperedFile flips one byte, at several places, in every
// file of a bundle and expects Verify to fail naming that file.
func TestVerifyNamesTamperedFile(t *testing.T) {
	dir, _ := writeBundle(t, failing())
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range allFiles {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		offsets := []int{0, len(data) / 2, len(data) - 1}
		for range 5 {
			offsets = append(offsets, rng.IntN(len(data)))
		}
		for _, off := range offsets {
			t.Run(fmt.Sprintf("%s@%d", name, off), func(t *testing.T) {
				tampered := copyDir(t, dir)
				b := slices.Clone(data)
				b[off] ^= 0x01
				if err := os.WriteFile(filepath.Join(tampered, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
				rep := verify(t, tampered)
				if rep.OK() {
					t.Fatalf("flipping byte %d of %s went unnoticed", off, name)
				}
				if !slices.ContainsFunc(rep.Problems, func(p bundle.Problem) bool { return p.File == name }) {
					t.Errorf("problems %v do not name %s", rep.Problems, name)
				}
				if !errors.Is(rep.Err(), bundle.ErrVerification) || !strings.Contains(rep.Err().Error(), name) {
					t.Errorf("Err() = %v", rep.Err())
				}
			})
		}
	}
}

func TestVerifyAddedAndMissingFiles(t *testing.T) {
	dir, _ := writeBundle(t, failing())
	tests := []struct {
		name   string
		change func(dir string) error
		file   string
	}{
		{"added file", func(d string) error { return os.WriteFile(filepath.Join(d, "notes.txt"), []byte("x"), 0o644) }, "notes.txt"},
		{"added in a subdirectory", func(d string) error {
			if err := os.Mkdir(filepath.Join(d, "logs"), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(d, "logs", "a.log"), []byte("x"), 0o644)
		}, "logs/a.log"},
		{"symlink", func(d string) error { return os.Symlink("/etc/hostname", filepath.Join(d, "link")) }, "link"},
		{"removed summary", func(d string) error { return os.Remove(filepath.Join(d, bundle.SummaryFile)) }, bundle.SummaryFile},
		{"removed attestation", func(d string) error { return os.Remove(filepath.Join(d, bundle.AttestationFile)) }, bundle.AttestationFile},
		{"removed public key", func(d string) error { return os.Remove(filepath.Join(d, bundle.PublicKeyFile)) }, bundle.PublicKeyFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := copyDir(t, dir)
			if err := tt.change(d); err != nil {
				t.Fatal(err)
			}
			rep := verify(t, d)
			if rep.OK() || !slices.ContainsFunc(rep.Problems, func(p bundle.Problem) bool { return p.File == tt.file }) {
				t.Errorf("problems %v do not name %s", rep.Problems, tt.file)
			}
		})
	}
	if _, err := bundle.Verify(context.Background(), filepath.Join(dir, "nope")); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing dir: %v, want ErrNotFound", err)
	}
}

// A bundle re-signed by someone else verifies on its own but not against
// the key it should have been signed with.
func TestVerifyTrustedKey(t *testing.T) {
	dir, _ := writeBundle(t, failing())
	other, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	rep := verify(t, dir, bundle.WithTrustedKey(other.PublicPEM()))
	if rep.OK() || !slices.ContainsFunc(rep.Problems, func(p bundle.Problem) bool { return p.File == bundle.PublicKeyFile }) ||
		!slices.ContainsFunc(rep.Problems, func(p bundle.Problem) bool { return p.File == bundle.AttestationFile }) {
		t.Errorf("pinned to another key: problems %v", rep.Problems)
	}
}

func TestWriteRefusesInvalidEvidence(t *testing.T) {
	ev := failing()
	ev.GameDay.Remediation[0].Owner = ""
	_, err := bundle.Write(context.Background(), t.TempDir(), ev)
	if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "owner") {
		t.Errorf("Write() = %v, want ErrInvalid about the owner", err)
	}
}

// A failed run is written as completely as a passing one: the same files,
// every drill in every rendering, even a drill that errored before load.
func TestFailedRunIsWrittenCompletely(t *testing.T) {
	broken := failing()
	broken.Drills[1].Faults[0].RevertedAt = nil
	broken.Drills = append(broken.Drills, evidence.Drill{Name: "pod-kill", Scenario: "pod-kill", Start: broken.Start, End: broken.Start, Error: "environment not ready"})
	broken.Error = "interrupted by SIGTERM"
	for name, ev := range map[string]*evidence.Evidence{"passing": evidencetest.Passing(), "failing": failing(), "broken": broken} {
		t.Run(name, func(t *testing.T) {
			dir, _ := writeBundle(t, ev)
			if rep := verify(t, dir); !rep.OK() {
				t.Fatalf("does not verify: %v", rep.Problems)
			}
			read := func(f string) string {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			html, md, junit, js := read(bundle.HTMLFile), read(bundle.SummaryFile), read(bundle.JUnitFile), read(bundle.EvidenceFile)
			for _, d := range ev.Drills {
				if !strings.Contains(html, `id="drill-`+d.Name+`"`) {
					t.Errorf("report.html lacks drill %s", d.Name)
				}
				if !strings.Contains(md, "| "+d.Name+" |") {
					t.Errorf("summary.md lacks drill %s", d.Name)
				}
				if !strings.Contains(junit, "gameday.drill."+d.Name+".verdict") {
					t.Errorf("junit.xml lacks drill %s", d.Name)
				}
				if !strings.Contains(js, `"name": "`+d.Name+`"`) {
					t.Errorf("evidence.json lacks drill %s", d.Name)
				}
				for _, o := range d.Objectives {
					if !strings.Contains(junit, "gameday.objective."+d.Name+"."+o.Name+".met") {
						t.Errorf("junit.xml lacks objective %s/%s", d.Name, o.Name)
					}
				}
			}
		})
	}
}

func TestWriteKeepsSecretsOut(t *testing.T) {
	r := evidence.NewRedactor()
	if err := r.AddManifestFiles("../../framework/evidence/testdata/secrets.yaml"); err != nil {
		t.Fatal(err)
	}
	r.AddValues(leak)
	ev := failing()
	d := &ev.Drills[0]
	d.Faults[0].Parameters["secretAccessKey"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	d.Faults[0].Parameters["password"] = "short" // redacted by name, whatever its length
	d.Error = "s3 said: hunter2-registry-pass rejected"
	d.Findings = append(d.Findings, evidence.Finding{ID: "env", Severity: evidence.SeverityInfo, Message: "API_TOKEN=tok-literal-0451", Evidence: "hf_sampleTokenValue123"})
	ev.GameDay.Notes = "creds GDAKIASECRET0000001"
	dir, _ := writeBundle(t, ev, bundle.WithRedactor(r))
	secrets := []string{leak, "hunter2-registry-pass", "tok-literal-0451", "hf_sampleTokenValue123", "GDAKIASECRET0000001", "short"}
	for _, f := range allFiles {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s contains the secret %q", f, s)
			}
		}
	}
	if rep := verify(t, dir); !rep.OK() {
		t.Errorf("does not verify: %v", rep.Problems)
	}
}
