package reports

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/reports/internal/atomicfile"
)

// Property names EnrichJUnit adds. Objective properties are
// "gameday.objective.<drill>.<objective>.<field>" with field one of
// achieved, target, unit, comparison, met.
const (
	PropRunID    = "gameday.runID"
	PropVerdict  = "gameday.verdict"
	PropProfile  = "gameday.profile"
	PropVersion  = "gameday.version"
	PropCommit   = "gameday.commit"
	PropTopology = "gameday.topology.sha256"
	PropSchema   = "gameday.evidence.schema"
)

// EnrichJUnit reads the Ginkgo JUnit report at src, adds the run and every
// measured objective as properties of each test suite, adds a drill's
// objectives to the test cases that name the drill (the case's name contains
// the drill's name, with dashes or spaces), redacts secrets with r (nil: by
// name only) and writes the result to dst, which may be src.
func EnrichJUnit(src, dst string, ev *evidence.Evidence, r *evidence.Redactor) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("enrich junit: %w", notFound(err, src))
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(data, &suites); err != nil {
		return fmt.Errorf("enrich junit: %s is not a JUnit report: %v: %w", src, err, framework.ErrInvalid)
	}
	if r == nil {
		r = evidence.NewRedactor()
	}
	runProps := runProperties(ev)
	for i := range suites.TestSuites {
		s := &suites.TestSuites[i]
		s.Properties.Properties = setProperties(s.Properties.Properties, runProps)
		for j := range s.TestCases {
			tc := &s.TestCases[j]
			for _, d := range ev.Drills {
				if !namesDrill(tc.Name, d.Name) {
					continue
				}
				if tc.Properties == nil {
					tc.Properties = &reporters.JUnitProperties{}
				}
				tc.Properties.Properties = setProperties(tc.Properties.Properties, drillProperties(&d))
			}
			redactCase(tc, r)
		}
		for k := range s.Properties.Properties {
			p := &s.Properties.Properties[k]
			p.Value = r.String(p.Value)
		}
	}
	var out bytes.Buffer
	out.WriteString(xml.Header)
	enc := xml.NewEncoder(&out)
	enc.Indent("  ", "    ")
	if err := enc.Encode(suites); err != nil {
		return fmt.Errorf("enrich junit: encode: %w", err)
	}
	out.WriteByte('\n')
	return atomicfile.Write(dst, out.Bytes())
}

func runProperties(ev *evidence.Evidence) []reporters.JUnitProperty {
	props := []reporters.JUnitProperty{
		{Name: PropSchema, Value: ev.SchemaVersion},
		{Name: PropRunID, Value: ev.RunID},
		{Name: PropVerdict, Value: string(ev.Verdict)},
		{Name: PropProfile, Value: ev.Profile},
		{Name: PropVersion, Value: ev.Gameday.Version},
		{Name: PropCommit, Value: ev.Gameday.Commit},
		{Name: PropTopology, Value: ev.Topology.SHA256},
	}
	for i := range ev.Drills {
		props = append(props, drillProperties(&ev.Drills[i])...)
	}
	return props
}

func drillProperties(d *evidence.Drill) []reporters.JUnitProperty {
	props := []reporters.JUnitProperty{{Name: "gameday.drill." + d.Name + ".verdict", Value: string(d.Verdict)}}
	if a := d.Aborted; a != nil {
		props = append(props, reporters.JUnitProperty{Name: "gameday.drill." + d.Name + ".aborted", Value: a.Sentence()})
	}
	for _, o := range d.Objectives {
		p := "gameday.objective." + d.Name + "." + o.Name + "."
		achieved := ""
		if o.Achieved != nil {
			achieved = strconv.FormatFloat(*o.Achieved, 'g', -1, 64)
			if o.LowerBound {
				achieved = ">=" + achieved
			}
		}
		props = append(props,
			reporters.JUnitProperty{Name: p + "achieved", Value: achieved},
			reporters.JUnitProperty{Name: p + "target", Value: strconv.FormatFloat(o.Target, 'g', -1, 64)},
			reporters.JUnitProperty{Name: p + "comparison", Value: string(o.Comparison)},
			reporters.JUnitProperty{Name: p + "unit", Value: o.Unit},
			reporters.JUnitProperty{Name: p + "met", Value: strconv.FormatBool(o.Evaluate())},
			reporters.JUnitProperty{Name: p + "status", Value: strings.ReplaceAll(statusWord(o), " ", "-")},
		)
	}
	return props
}

// setProperties sets props in list, replacing same-named ones (so enriching twice changes nothing).
func setProperties(list, props []reporters.JUnitProperty) []reporters.JUnitProperty {
	for _, p := range props {
		replaced := false
		for i := range list {
			if list[i].Name == p.Name {
				list[i].Value, replaced = p.Value, true
			}
		}
		if !replaced {
			list = append(list, p)
		}
	}
	return list
}

// namesDrill reports whether a test case's name names a drill.
func namesDrill(name, drill string) bool {
	n := strings.ToLower(name)
	d := strings.ToLower(drill)
	return strings.Contains(n, d) || strings.Contains(n, strings.ReplaceAll(d, "-", " "))
}

func redactCase(tc *reporters.JUnitTestCase, r *evidence.Redactor) {
	tc.SystemOut, tc.SystemErr = r.String(tc.SystemOut), r.String(tc.SystemErr)
	if f := tc.Failure; f != nil {
		f.Message, f.Description = r.String(f.Message), r.String(f.Description)
	}
	if e := tc.Error; e != nil {
		e.Message, e.Description = r.String(e.Message), r.String(e.Description)
	}
	if tc.Properties != nil {
		for i := range tc.Properties.Properties {
			p := &tc.Properties.Properties[i]
			if evidence.SensitiveName(p.Name) && !strings.HasPrefix(p.Name, "gameday.") {
				p.Value = evidence.Redacted
			} else {
				p.Value = r.String(p.Value)
			}
		}
	}
}

// CopyGinkgoJSON copies Ginkgo's JSON report from src to dst, checking it
// is a JSON report and redacting secrets in every string with r (nil: by
// name only). Object keys come out sorted.
func CopyGinkgoJSON(src, dst string, r *evidence.Redactor) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy ginkgo report: %w", notFound(err, src))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("copy ginkgo report: %s is not JSON: %v: %w", src, err, framework.ErrInvalid)
	}
	if _, ok := v.([]any); !ok {
		return fmt.Errorf("copy ginkgo report: %s is not a Ginkgo JSON report (want an array of suite reports): %w", src, framework.ErrInvalid)
	}
	if r == nil {
		r = evidence.NewRedactor()
	}
	v = redactJSON(v, "", r)
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("copy ginkgo report: %w", err)
	}
	return atomicfile.Write(dst, append(out, '\n'))
}

// redactJSON scrubs the strings of a decoded JSON value; key names the
// value's object key ("" in arrays).
func redactJSON(v any, key string, r *evidence.Redactor) any {
	switch x := v.(type) {
	case string:
		if key != "" && evidence.SensitiveName(key) {
			return evidence.Redacted
		}
		return r.String(x)
	case []any:
		for i := range x {
			x[i] = redactJSON(x[i], "", r)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = redactJSON(e, k, r)
		}
	}
	return v
}

func notFound(err error, path string) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: %w", path, framework.ErrNotFound)
	}
	return err
}
