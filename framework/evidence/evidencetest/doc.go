// Package evidencetest builds sample evidence for tests and documentation:
// realistic, deterministic runs of the reference drills, one that passes
// and one that fails as the reference platform does. The evidence is marked
// SampleData so no report made from it passes for a real drill.
package evidencetest
