package scenarios

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
)

func TestBuiltinsAreValid(t *testing.T) {
	fast, _ := framework.TimeoutsFor(framework.ProfileFast)
	prod, _ := framework.TimeoutsFor(framework.ProfileProduction)
	for _, name := range Names() {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if len(s.Labels) == 0 || s.Description == "" {
			t.Errorf("%s: labels and a description are required for suites and reports", name)
		}
		if fb, pb := s.Budget(fast), s.Budget(prod); fb <= 0 || pb < fb {
			t.Errorf("%s: budget fast %s, production %s", name, fb, pb)
		}
		// Fresh copies: changing one does not change the next.
		s.Objectives = nil
		if again, _ := Builtin(name); len(again.Objectives) == 0 {
			t.Errorf("%s: Builtin returned a shared value", name)
		}
	}
	for suite, name := range Suites {
		if _, err := Builtin(name); err != nil {
			t.Errorf("suite %s names unknown scenario %s", suite, name)
		}
	}
	if _, err := Builtin("meteor"); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("unknown scenario: %v", err)
	}
}

func TestHoldsCoverTheControlPlanesReaction(t *testing.T) {
	for _, p := range framework.Profiles() {
		to, _ := framework.TimeoutsFor(p)
		if h := holdFor("zone-outage", to); h <= to.NodeMonitorGracePeriod+to.UnreachableToleration {
			t.Errorf("%s: a zone outage held %s ends before its pods are even evicted", p, h)
		}
		if h := holdFor("region-outage", to); h < time.Duration(to.HealthCheckThreshold)*to.HealthCheckInterval*2 {
			t.Errorf("%s: a region outage held %s is shorter than the load balancer needs to notice", p, h)
		}
	}
}

const valid = `apiVersion: gameday.io/v1alpha1
kind: Scenario
name: eu-zone
labels: [zone]
load:
  rate: 50
  clientRegions: [dr]
fault:
  kind: zone-outage
  region: dr
  zone: europe-west1-b
  hold: 45s
actions:
- do: scale
  region: dr
  replicas: 8
  after: alert:InferenceServiceDown
objectives:
- kind: rto
  target: 10m
- kind: error-budget
  phase: fault
  target: "0.05"
`

func TestParseScenarioFile(t *testing.T) {
	s, err := Parse("s.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if s.Fault.Hold.D() != 45*time.Second || s.Load.Rate != 50 || s.Actions[0].Replicas != 8 || s.Type != TypeTraffic {
		t.Fatalf("scenario = %+v", s)
	}
	cases := []struct{ name, in, want string }{
		{"empty", "", "s.yaml: empty document"},
		{"wrong kind", strings.Replace(valid, "kind: Scenario", "kind: Drill", 1), "s.yaml:2: kind: must be Scenario"},
		{"unknown field", strings.Replace(valid, "  rate: 50", "  rate: 50\n  rps: 9", 1), "s.yaml:7: field rps not found"},
		{"bad duration", strings.Replace(valid, "hold: 45s", "hold: soon", 1), `s.yaml:12: "soon" is not a duration`},
		{"unknown fault", strings.Replace(valid, "kind: zone-outage", "kind: meteor", 1), `s.yaml:9: fault.kind: unknown fault kind "meteor"`},
		{"unknown action", strings.Replace(valid, "- do: scale", "- do: pray", 1), `s.yaml:14: actions[0].do: unknown action "pray"`},
		{"bad trigger", strings.Replace(valid, "after: alert:InferenceServiceDown", "after: whenever", 1), `s.yaml:17: actions[0].after: "whenever" is neither`},
		{"unknown objective", strings.Replace(valid, "- kind: rto", "- kind: vibes", 1), `s.yaml:19: objectives[0].kind: unknown objective "vibes"`},
		{"bad target", strings.Replace(valid, "target: 10m", "target: soon", 1), `s.yaml:20: objectives[0].target: "soon" is neither`},
		{"budget without phase", strings.Replace(valid, "  phase: fault\n", "", 1), "objectives[1].phase: an error budget names its phase"},
		{"no objectives", strings.Split(valid, "objectives:")[0], "objectives: at least one objective is required"},
		{"negative rate", strings.Replace(valid, "rate: 50", "rate: -1", 1), "s.yaml:6: load.rate: must not be negative"},
		{"fraction", strings.Replace(valid, "  rate: 50", "  rate: 50\n  v2Fraction: 2", 1), "load.v2Fraction: must be between 0 and 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want it to contain %q", err, c.want)
			}
			if !errors.Is(err, framework.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("apiVersion: gameday.io/v1alpha1\nkind: Scenario\nname: r\ntype: rpo\nobjectives: [{kind: rpo}]\n"))
	f.Add([]byte("objectives: [{kind: rto, target: 1e309}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		if len(s.Objectives) == 0 || s.Name == "" {
			t.Fatalf("a valid scenario without name or objectives: %+v", s)
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("a parsed scenario fails Validate: %v", err)
		}
	})
}

func TestAlertDelayReadsTheRule(t *testing.T) {
	ref, err := fixtures.Reference()
	if err != nil {
		t.Fatal(err)
	}
	fast, _ := framework.TimeoutsFor(framework.ProfileFast)
	env := &Env{Env: &environment.Env{Platform: ref, Timeouts: fast}}
	if d, err := alertDelay(env, "InferenceServiceDown"); err != nil || d != 12*time.Second {
		t.Fatalf("InferenceServiceDown: %s, %v (want its for: 2m scaled by 0.1)", d, err)
	}
	if d, err := alertDelay(env, "ZoneFailure"); err != nil || d != 30*time.Second {
		t.Fatalf("ZoneFailure: %s, %v", d, err)
	}
	if _, err := alertDelay(env, "NoSuchAlert"); err == nil {
		t.Fatal("an alert the rule does not have must be an error")
	}
}
