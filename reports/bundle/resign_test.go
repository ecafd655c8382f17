package bundle_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/reports/bundle"
)

func TestSignOff(t *testing.T) {
	dir, _ := writeBundle(t, failing(), bundle.WithURL("https://ci.example/run/7"))
	approver, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	junitBefore, _ := os.ReadFile(filepath.Join(dir, bundle.JUnitFile))
	res, err := bundle.SignOff(context.Background(), dir, approver, "Amina Haddad", "accepted; R-1 and R-2 tracked", at)
	if err != nil {
		t.Fatal(err)
	}
	if res.KeyID != approver.ID() {
		t.Errorf("re-signed with %s, want the approver's key %s", res.KeyID, approver.ID())
	}
	rep := verify(t, dir, bundle.WithTrustedKey(approver.PublicPEM()))
	if !rep.OK() {
		t.Fatalf("signed-off bundle does not verify: %v", rep.Problems)
	}
	if rep.URL != "https://ci.example/run/7" {
		t.Errorf("the run URL was lost on re-signing: %q", rep.URL)
	}
	ev, err := evidence.ReadFile(filepath.Join(dir, bundle.EvidenceFile))
	if err != nil {
		t.Fatal(err)
	}
	s := ev.GameDay.SignOff
	if s == nil || s.Approver != "Amina Haddad" || !s.At.Equal(at) || s.KeyID != approver.ID() {
		t.Fatalf("sign-off %+v", s)
	}
	for _, f := range []string{bundle.SummaryFile, bundle.HTMLFile} {
		data, _ := os.ReadFile(filepath.Join(dir, f))
		if !strings.Contains(string(data), "signed off by") && !strings.Contains(string(data), "Signed off by") {
			t.Errorf("%s does not show the sign-off", f)
		}
	}
	if junitAfter, _ := os.ReadFile(filepath.Join(dir, bundle.JUnitFile)); string(junitAfter) != string(junitBefore) {
		t.Error("sign-off changed junit.xml")
	}
}

func TestSignOffRefusesTamperedBundle(t *testing.T) {
	dir, k := writeBundle(t, failing())
	path := filepath.Join(dir, bundle.EvidenceFile)
	data, _ := os.ReadFile(path)
	tampered := strings.Replace(string(data), `"verdict": "fail"`, `"verdict": "pass"`, 1)
	if err := os.WriteFile(path, []byte(tampered), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := bundle.SignOff(context.Background(), dir, k, "Mallory", "", time.Now())
	if !errors.Is(err, bundle.ErrVerification) || !strings.Contains(err.Error(), bundle.EvidenceFile) {
		t.Fatalf("SignOff() = %v, want ErrVerification naming evidence.json", err)
	}
	if after, _ := os.ReadFile(path); string(after) != tampered {
		t.Error("a refused sign-off still rewrote evidence.json")
	}
	if _, _, err := bundle.Render(context.Background(), dir, k, nil); !errors.Is(err, bundle.ErrVerification) {
		t.Errorf("Render() = %v, want ErrVerification", err)
	}
	if _, err := bundle.SignOff(context.Background(), dir, k, "", "", time.Now()); err == nil {
		t.Error("sign-off without approver accepted")
	}
}

func TestRenderGameDay(t *testing.T) {
	dir, k := writeBundle(t, failing())
	ctx := context.Background()
	if _, err := bundle.SignOff(ctx, dir, k, "Amina Haddad", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	g, err := evidence.ParseGameDay([]byte(`participants: [{name: Jonas Berg}]
remediation: [{title: Hourly registry sync, owner: Priya Natarajan, due: "2026-12-05"}]
nextDrill: "2027-03-01"
`))
	if err != nil {
		t.Fatal(err)
	}
	_, dropped, err := bundle.Render(ctx, dir, k, g)
	if err != nil {
		t.Fatal(err)
	}
	if !dropped {
		t.Error("a changed game-day record kept the sign-off")
	}
	if rep := verify(t, dir); !rep.OK() {
		t.Fatalf("does not verify after render: %v", rep.Problems)
	}
	md, _ := os.ReadFile(filepath.Join(dir, bundle.SummaryFile))
	if !strings.Contains(string(md), "not signed off") || !strings.Contains(string(md), "next drill 2027-03-01") {
		t.Errorf("summary.md does not show the new record:\n%s", md)
	}
}

// An evidence.json on its own (written by hand or by an older run) is
// rendered and signed into a full bundle.
func TestRenderUnsignedEvidence(t *testing.T) {
	dir, k := writeBundle(t, failing())
	fresh := t.TempDir()
	data, _ := os.ReadFile(filepath.Join(dir, bundle.EvidenceFile))
	if err := os.WriteFile(filepath.Join(fresh, bundle.EvidenceFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := bundle.Render(context.Background(), fresh, k, nil); err != nil {
		t.Fatal(err)
	}
	rep := verify(t, fresh)
	if !rep.OK() || len(rep.Checked) != 4 {
		t.Errorf("rendered bundle: checked %v, problems %v", rep.Checked, rep.Problems)
	}
	for _, f := range []string{bundle.HTMLFile, bundle.SummaryFile} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(fresh, f))
		if string(a) != string(b) {
			t.Errorf("%s rendered from evidence.json differs from the original run's", f)
		}
	}
}
