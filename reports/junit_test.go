package reports_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/reporters"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
	"gameday.io/gameday/reports"
	"gameday.io/gameday/reports/internal/reporttest"
)

const leak = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

func readJUnit(t *testing.T, path string) reporters.JUnitTestSuites {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s reporters.JUnitTestSuites
	if err := xml.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEnrichJUnit(t *testing.T) {
	dir := t.TempDir()
	src, _, err := reporttest.Write(dir, leak)
	if err != nil {
		t.Fatal(err)
	}
	ev := evidencetest.Failing()
	r := evidence.NewRedactor()
	r.AddValues(leak)
	dst := filepath.Join(dir, "enriched.xml")
	if err := reports.EnrichJUnit(src, dst, ev, r); err != nil {
		t.Fatal(err)
	}
	got := readJUnit(t, dst)
	orig := readJUnit(t, src)
	if got.Tests != orig.Tests || got.Failures != orig.Failures || len(got.TestSuites[0].TestCases) != len(orig.TestSuites[0].TestCases) {
		t.Errorf("enrichment changed the results: %d/%d tests, %d/%d failures", got.Tests, orig.Tests, got.Failures, orig.Failures)
	}
	props := got.TestSuites[0].Properties
	for name, want := range map[string]string{
		reports.PropRunID:   ev.RunID,
		reports.PropVerdict: "fail",
		"gameday.objective.region-failover.rto.achieved":            ">=70",
		"gameday.objective.region-failover.rto.met":                 "false",
		"gameday.objective.rpo-backup.rpo.target":                   "3600",
		"gameday.objective.zone-drain.pdb-min-ready.met":            "true",
		"gameday.objective.zone-outage.rto.unit":                    "s",
		"SuiteSucceeded":                                            "false", // Ginkgo's own stay
		"gameday.objective.zone-outage.rto.comparison":              "<=",
		"gameday.objective.region-failover.failover-share.achieved": "0.62",
	} {
		if v := props.WithName(name); v != want {
			t.Errorf("suite property %s = %q, want %q", name, v, want)
		}
	}
	cases := got.TestSuites[0].TestCases
	var failover *reporters.JUnitTestCase
	for i := range cases {
		if strings.Contains(cases[i].Name, "region-failover") {
			failover = &cases[i]
		}
	}
	if failover == nil || failover.Properties == nil || failover.Properties.WithName("gameday.objective.region-failover.rto.met") != "false" {
		t.Errorf("the region-failover case lacks its objectives: %+v", failover)
	}
	if zone := cases[0]; zone.Properties == nil || zone.Properties.WithName("gameday.objective.zone-outage.rto.met") != "true" {
		t.Errorf("the zone outage case (named with spaces) lacks its objectives: %+v", zone.Properties)
	}
	data, _ := os.ReadFile(dst)
	if strings.Contains(string(data), leak) {
		t.Error("the secret in the Ginkgo output reached the enriched junit.xml")
	}

	// Enriching in place twice changes nothing the second time.
	if err := reports.EnrichJUnit(dst, dst, ev, r); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(dst)
	if string(again) != string(data) {
		t.Error("enriching twice is not idempotent")
	}
}

func TestEnrichJUnitErrors(t *testing.T) {
	dir := t.TempDir()
	ev := evidencetest.Passing()
	if err := reports.EnrichJUnit(filepath.Join(dir, "none.xml"), filepath.Join(dir, "out.xml"), ev, nil); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing junit: %v, want ErrNotFound", err)
	}
	bad := filepath.Join(dir, "bad.xml")
	if err := os.WriteFile(bad, []byte("not xml <"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := reports.EnrichJUnit(bad, filepath.Join(dir, "out.xml"), ev, nil); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad junit: %v, want ErrInvalid naming the file", err)
	}
}

func TestCopyGinkgoJSON(t *testing.T) {
	dir := t.TempDir()
	_, src, err := reporttest.Write(dir, leak)
	if err != nil {
		t.Fatal(err)
	}
	r := evidence.NewRedactor()
	r.AddValues(leak)
	dst := filepath.Join(dir, "ginkgo-report.json")
	if err := reports.CopyGinkgoJSON(src, dst, r); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), leak) {
		t.Error("the secret reached ginkgo-report.json")
	}
	var suites []map[string]any
	if err := json.Unmarshal(data, &suites); err != nil || len(suites) != 1 || suites[0]["SuiteDescription"] != "Drills Suite" {
		t.Errorf("copied report does not read as Ginkgo's: %v %v", err, suites)
	}
	notReport := filepath.Join(dir, "obj.json")
	if err := os.WriteFile(notReport, []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := reports.CopyGinkgoJSON(notReport, dst, nil); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("an object: %v, want ErrInvalid", err)
	}
}

func FuzzEnrichJUnit(f *testing.F) {
	dir := f.TempDir()
	src, _, err := reporttest.Write(dir, leak)
	if err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(src)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`<testsuites><testsuite name="x"><testcase name="zone-outage"/></testsuite></testsuites>`))
	ev := evidencetest.Failing()
	f.Fuzz(func(t *testing.T, data []byte) {
		in, out := filepath.Join(t.TempDir(), "in.xml"), filepath.Join(t.TempDir(), "out.xml")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := reports.EnrichJUnit(in, out, ev, nil); err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		readJUnit(t, out) // what it writes is JUnit
	})
}
