package lint

import (
	"fmt"
	"time"
)

// checkInvalidValues reports the values the other rules cannot read; they
// skip such values rather than guess.
func checkInvalidValues(in *Input) []Finding {
	var out []Finding
	bad := func(f Finding) { f.Rule, f.Severity = "", ""; out = append(out, f) }
	for _, s := range in.schedules() {
		if _, err := in.cadence(s.spec, s.tz); err != nil {
			bad(Finding{Position: s.obj.At(s.path), Object: s.obj.Ref(),
				Message: fmt.Sprintf("%s: %v", s.what, err), Fix: "write a five-field cron expression (minute hour day-of-month month day-of-week) or a descriptor such as @hourly"})
		}
	}
	for _, v := range in.veleroSchedules() {
		for _, p := range v.problems {
			bad(p)
		}
		if v.ttl != "" {
			if _, err := time.ParseDuration(v.ttl); err != nil {
				bad(Finding{Position: v.obj.At("spec.template.ttl"), Object: v.obj.Ref(),
					Message: fmt.Sprintf("ttl %q is not a duration: %v", v.ttl, err), Fix: "write a Go duration such as 720h"})
			}
		}
	}
	rules, problems := in.alertRules()
	for _, p := range problems {
		bad(p)
	}
	for _, a := range rules {
		if a.exprErr != nil {
			bad(Finding{Position: a.obj.At(a.path + ".expr"), Object: a.obj.Ref(),
				Message: fmt.Sprintf("alert %s: expression does not parse: %v", a.name, a.exprErr), Fix: "fix the PromQL expression"})
		}
		if a.forErr != nil {
			bad(Finding{Position: a.obj.At(a.path + ".for"), Object: a.obj.Ref(),
				Message: fmt.Sprintf("alert %s: for %q is not a duration: %v", a.name, a.forText, a.forErr), Fix: "write a Prometheus duration such as 5m"})
		}
	}
	for _, f := range checkBudgetValues(in) {
		bad(f)
	}
	return out
}
