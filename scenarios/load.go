package scenarios

import (
	"gameday.io/gameday/framework/measure/objectives"

	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/yamldoc"
)

// APIVersion and KindScenario identify a scenario file.
const (
	APIVersion   = "gameday.io/v1alpha1"
	KindScenario = "Scenario"
)

// LoadFile reads and validates a scenario file.
func LoadFile(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("scenario file %s: %w", path, framework.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse decodes and validates a scenario document; errors name file:line and field.
func Parse(file string, data []byte) (*Scenario, error) {
	var s Scenario
	c, err := yamldoc.Decode(file, data, &s)
	if err != nil {
		return nil, err
	}
	s.check(c)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate checks a scenario built in Go the way Parse checks a file.
func (s *Scenario) Validate() error {
	c := yamldoc.NewChecker("scenario " + s.Name)
	s.check(c)
	return c.Err()
}

var (
	actionKinds = []string{"scale", "pod-kill", "switch-traffic"}
)

func (s *Scenario) check(c *yamldoc.Checker) {
	if s.APIVersion != APIVersion {
		c.Fail("apiVersion", "must be %s, got %q", APIVersion, s.APIVersion)
	}
	if s.Kind != KindScenario {
		c.Fail("kind", "must be %s, got %q", KindScenario, s.Kind)
	}
	if s.Name == "" {
		c.Fail("name", "is required")
	}
	if s.Type == "" {
		s.Type = TypeTraffic
	}
	if s.Type != TypeTraffic && s.Type != TypeRPO {
		c.Fail("type", "must be traffic or rpo, got %q", s.Type)
	}
	if s.Load.Rate < 0 {
		c.Fail("load.rate", "must not be negative, got %v", s.Load.Rate)
	}
	if s.Load.V2Fraction < 0 || s.Load.V2Fraction > 1 {
		c.Fail("load.v2Fraction", "must be between 0 and 1, got %v", s.Load.V2Fraction)
	}
	if s.Type == TypeTraffic {
		if !slices.Contains(fault.Kinds(), fault.Kind(s.Fault.Kind)) {
			c.Fail("fault.kind", "unknown fault kind %q (want one of %v)", s.Fault.Kind, fault.Kinds())
		}
	}
	for i, a := range s.Actions {
		p := fmt.Sprintf("actions[%d]", i)
		if !slices.Contains(actionKinds, a.Do) {
			c.Fail(p+".do", "unknown action %q (want one of %v)", a.Do, actionKinds)
		}
		if a.Do == "scale" && a.Replicas < 0 {
			c.Fail(p+".replicas", "must not be negative, got %d", a.Replicas)
		}
		if _, _, err := parseAfter(a.After); err != nil {
			c.Fail(p+".after", "%v", err)
		}
	}
	if len(s.Objectives) == 0 {
		c.Fail("objectives", "at least one objective is required: a drill nobody judges proves nothing")
	}
	for i, o := range s.Objectives {
		p := fmt.Sprintf("objectives[%d]", i)
		if _, err := objectives.Lookup(o.Kind); err != nil {
			c.Fail(p+".kind", "unknown objective %q (want one of %v)", o.Kind, objectives.Kinds())
			continue
		}
		if o.Target != "" {
			if _, err := objectives.ParseTarget(o.Target); err != nil {
				c.Fail(p+".target", "%v", err)
			}
		}
		if e, _ := objectives.Lookup(o.Kind); e.Validate(o) != nil {
			field := p + ".kind"
			if o.Phase == "" {
				field = p + ".phase"
			}
			c.Fail(field, "%v", e.Validate(o))
		}
		if s.Type == TypeRPO && o.Kind != "rpo" {
			c.Fail(p+".kind", "an rpo drill is judged by rpo objectives only")
		}
	}
}

// parseAfter reads an action's trigger: a duration, or alert:NAME.
func parseAfter(s string) (time.Duration, string, error) {
	if s == "alert" {
		return 0, runbookAlert, nil
	}
	if name, ok := strings.CutPrefix(s, "alert:"); ok {
		if name == "" {
			return 0, "", fmt.Errorf("alert: names no alert")
		}
		return 0, name, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, "", fmt.Errorf("%q is neither a delay such as 30s, alert:NAME nor alert", s)
	}
	return d, "", nil
}
