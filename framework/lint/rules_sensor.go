package lint

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// sensorParam is one trigger parameter of an Argo Events Sensor.
type sensorParam struct {
	path, dependency, dataKey, dest string
	hasDefault                      bool
}

// sensorParams reads spec.triggers[i].template.<kind>.parameters of a Sensor.
func sensorParams(u map[string]any) []sensorParam {
	var out []sensorParam
	triggers, _, _ := nestedSlice(u, "spec", "triggers")
	for i, t := range triggers {
		tmpl, _ := asMap(t)["template"].(map[string]any)
		kinds := make([]string, 0, len(tmpl))
		for k := range tmpl {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, kind := range kinds {
			params, _ := asMap(tmpl[kind])["parameters"].([]any)
			for j, p := range params {
				pm := asMap(p)
				src := asMap(pm["src"])
				sp := sensorParam{path: fmt.Sprintf("spec.triggers[%d].template.%s.parameters[%d].src.dataKey", i, kind, j)}
				sp.dependency, _ = src["dependencyName"].(string)
				sp.dataKey, _ = src["dataKey"].(string)
				sp.dest, _ = pm["dest"].(string)
				_, sp.hasDefault = src["value"]
				if sp.dataKey != "" {
					out = append(out, sp)
				}
			}
		}
	}
	return out
}

var bracketIndex = regexp.MustCompile(`\[(\d+)\]`)

func checkSensorDataKey(in *Input) []Finding {
	var out []Finding
	for _, s := range in.sensors() {
		for _, p := range sensorParams(s.u) {
			if !bracketIndex.MatchString(p.dataKey) {
				continue
			}
			f := Finding{Position: s.obj.At(p.path), Object: s.obj.Ref(),
				Message: fmt.Sprintf("dataKey %q addresses an array with [N], which gjson reads as part of a key name: the key is never found and, with no default value, the trigger fails instead of setting %s",
					p.dataKey, p.dest),
				Fix: fmt.Sprintf("write %q", bracketIndex.ReplaceAllString(p.dataKey, ".$1"))}
			if p.hasDefault {
				f.Severity = SeverityWarning
				f.Message = fmt.Sprintf("dataKey %q addresses an array with [N], which gjson reads as part of a key name: the default value is always used", p.dataKey)
			}
			out = append(out, f)
		}
	}
	return out
}

var alertLabelKey = regexp.MustCompile(`^body\.alerts(?:\.\d+|\[\d+\]|\.#)\.labels\.([A-Za-z_][A-Za-z0-9_]*)$`)

func checkSensorLabel(in *Input) []Finding {
	var out []Finding
	rules, _ := in.alertRules()
	for _, s := range in.sensors() {
		deps := s.dependencyEvents()
		for _, p := range sensorParams(s.u) {
			m := alertLabelKey.FindStringSubmatch(p.dataKey)
			if m == nil {
				continue
			}
			label := m[1]
			var lacking []string
			candidates := alertsNamed(rules, deps[p.dependency])
			provided := false
			for _, a := range candidates {
				if a.provides(label) {
					provided = true
					continue
				}
				lacking = append(lacking, a.name)
			}
			if provided || len(lacking) == 0 {
				continue
			}
			out = append(out, Finding{Position: s.obj.At(p.path), Object: s.obj.Ref(),
				Message: fmt.Sprintf("the Sensor reads label %s from alerts %s, but no rule sets it and their expressions do not keep it (an aggregation without by (%s), or series that lack it): the data key is then missing from the event and, without a default (src.value), Argo Events fails the trigger, so %s is never set (unless Prometheus adds %s as an external label, which these manifests do not show)",
					label, strings.Join(lacking, ", "), label, p.dest, label),
				Fix: fmt.Sprintf("set it on the rule (labels: {%s: '{{ $externalLabels.%s }}'}) or keep it through the aggregation (by (%s))", label, label, label)})
		}
	}
	return out
}

// provides reports whether an alert's notifications carry label l.
func (a alertRule) provides(l string) bool {
	if v, ok := a.labels[l]; ok && v != "" {
		return true
	}
	return a.expr != nil && outLabels(a.expr).has(l)
}

// alertsNamed returns the alerts whose name holds every word of an event
// name (inference-down matches InferenceServiceDown), or all of them.
func alertsNamed(rules []alertRule, event string) []alertRule {
	want := words(event)
	var out []alertRule
	for _, a := range rules {
		have := map[string]bool{}
		for _, w := range words(a.name) {
			have[w] = true
		}
		all := len(want) > 0
		for _, w := range want {
			all = all && have[w]
		}
		if all {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return rules
	}
	return out
}

// words splits CamelCase, kebab-case and snake_case into lower-case words.
func words(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, strings.ToLower(cur.String()))
			cur.Reset()
		}
	}
	for i, r := range s {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0:
			flush()
			cur.WriteRune(r)
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}
