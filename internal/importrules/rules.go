// Package importrules states the layering of gameday's packages as rules
// and checks an import graph against them: the core package imports none of
// ours; nothing outside a provider's own tree imports it (except the
// registry, framework/provider/providers); framework packages import no
// scenario, suite, report, application or command package; imports point
// down the layers of shared/DESIGN.md (core ← framework/<noun> ← scenarios
// ← suites and internal/app ← cmd). A test holds the repository to them.
//
// FindNames finds names that code must not know: a test holds framework,
// cmd, scenarios and internal free of the reference platform's names, which
// only tests and fixtures may quote.
package importrules

import (
	"fmt"
	"sort"
	"strings"
)

// Module is gameday's module path.
const Module = "gameday.io/gameday"

// Graph maps a package (path relative to the module, "" for none) to the
// packages of the module it imports, its tests' imports included.
type Graph map[string][]string

// Violation is one import against a rule.
type Violation struct {
	From, To string
	Rule     string
}

func (v Violation) String() string { return fmt.Sprintf("%s imports %s: %s", v.From, v.To, v.Rule) }

// rule judges one import; it returns why it is forbidden, or "".
type rule func(from, to string) string

// providerTree returns the provider a package belongs to ("sim" for
// framework/provider/sim/kubelet), or "".
func providerTree(p string) string {
	rest, ok := strings.CutPrefix(p, "framework/provider/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	if name == "providers" {
		return ""
	}
	return name
}

func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

var rules = []rule{
	func(from, to string) string {
		if from == "framework" {
			return "the core package imports no package of the module"
		}
		return ""
	},
	func(from, to string) string {
		if prov := providerTree(to); prov != "" && providerTree(from) != prov && from != "framework/provider/providers" {
			return "only the provider's own tree and the registry (framework/provider/providers) import a provider"
		}
		return ""
	},
	func(from, to string) string {
		if under(from, "framework") || under(from, "fixtures") {
			for _, up := range []string{"scenarios", "suites", "reports", "internal", "cmd"} {
				if under(to, up) {
					return "framework and fixtures sit below scenarios, suites, reports, the application layer and the CLI"
				}
			}
		}
		return ""
	},
	func(from, to string) string {
		if under(from, "scenarios") || under(from, "reports") {
			for _, up := range []string{"suites", "internal", "cmd"} {
				if under(to, up) {
					return "scenarios and reports sit below the suites, the application layer and the CLI"
				}
			}
		}
		return ""
	},
	func(from, to string) string {
		if under(to, "cmd") || (under(to, "suites") && !under(from, "suites")) || (under(to, "internal/app") && !under(from, "cmd") && !under(from, "internal/app")) {
			return "the CLI is imported by nothing, suites only by suites, the application layer only by the CLI"
		}
		return ""
	},
}

// Check returns every import of g that breaks a rule, sorted.
func Check(g Graph) []Violation {
	var out []Violation
	for from, imports := range g {
		for _, to := range imports {
			if to == from {
				continue // a package's external tests import it
			}
			for _, r := range rules {
				if why := r(from, to); why != "" {
					out = append(out, Violation{From: from, To: to, Rule: why})
					break
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
