package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"gameday.io/gameday/fixtures"
)

// sarifSchema compiles the official SARIF 2.1.0 schema (OASIS, errata 01),
// kept in testdata so the test runs offline.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri, uri-reference, date-time are checked too
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSARIFValidates(t *testing.T) {
	schema := sarifSchema(t)
	for name, load := range map[string]func() (*fixtures.Platform, error){"reference": fixtures.Reference, "remediated": fixtures.Remediated} {
		t.Run(name, func(t *testing.T) {
			rep := lintEmbedded(t, load)
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, rep); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Fatalf("SARIF does not validate: %v", err)
			}
			var log sarifLog
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			if len(run.Results) != len(rep.Findings) || len(run.Tool.Driver.Rules) != len(Rules()) {
				t.Fatalf("%d results for %d findings, %d rules", len(run.Results), len(rep.Findings), len(run.Tool.Driver.Rules))
			}
			for i, r := range run.Results {
				f := rep.Findings[i]
				loc := r.Locations[0].PhysicalLocation
				if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID || loc.ArtifactLocation.URI != f.Position.File || loc.Region.StartLine != f.Position.Line {
					t.Errorf("result %d = %+v, finding %+v", i, r, f)
				}
			}
		})
	}
	// The schema is strict enough to catch a malformed log.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "fatal", "message": {"text": "x"}}]}]}`))
	if schema.Validate(bad) == nil {
		t.Fatal("schema accepted a result with level fatal and a driver without a name")
	}
}

func TestArtifactURIs(t *testing.T) {
	cases := map[string]sarifArtifact{
		"fixtures/reference/inference.yaml": {URI: "fixtures/reference/inference.yaml", URIBaseID: "%SRCROOT%"},
		"k8s/my app.yaml":                   {URI: "k8s/my%20app.yaml", URIBaseID: "%SRCROOT%"},
		"/srv/k8s/app.yaml":                 {URI: "file:///srv/k8s/app.yaml"},
	}
	for in, want := range cases {
		if got := artifact(in); got != want {
			t.Errorf("artifact(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestTextAndJSON(t *testing.T) {
	rep := lintEmbedded(t, fixtures.Reference)
	var text bytes.Buffer
	if err := WriteReport(&text, rep, FormatText); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	if !strings.HasPrefix(lines[0], "fixtures/reference/alerts.yaml:") || !strings.Contains(text.String(), "\n    fix: ") {
		t.Errorf("text output starts %q", lines[0])
	}
	summary := lines[len(lines)-1]
	if !strings.Contains(summary, plural(rep.Count(SeverityError), "error")) || !strings.HasSuffix(summary, "(RTO 30m, RPO 1h, topology two-region)") {
		t.Errorf("summary line %q", summary)
	}

	var js bytes.Buffer
	if err := WriteReport(&js, rep, FormatJSON); err != nil {
		t.Fatal(err)
	}
	var got struct {
		RTO, RPO string
		Summary  map[string]int
		Findings []Finding
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.RTO != "30m" || got.RPO != "1h" || got.Summary["error"] != rep.Count(SeverityError) || len(got.Findings) != len(rep.Findings) {
		t.Errorf("json = %+v", got)
	}
	if got.Findings[0].Position.File == "" || got.Findings[0].Position.Line == 0 || got.Findings[0].Rule == "" {
		t.Errorf("json finding %+v", got.Findings[0])
	}
	if err := WriteReport(&js, rep, "yaml"); err == nil {
		t.Error("unknown format accepted")
	}
}
