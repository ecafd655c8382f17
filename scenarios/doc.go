// Package scenarios holds gameday's drills as reusable definitions: what
// environment a drill needs, the load it drives, the fault it injects and
// how long it holds it, the runbook actions taken during it, and the
// objectives it is judged by. Run executes a scenario against an
// environment and returns measured results; the Ginkgo suites under
// suites/ and `gameday run` use it, so a drill behaves the same from both.
//
// Scenarios are Go values built by ZoneOutage, NodeLoss, StorageOutage,
// RegionOutage, ZoneDrain and RPO, and can be written as YAML
// (apiVersion gameday.io/v1alpha1, kind Scenario) decoded into the same
// struct; Load validates a file and names the line and field of each error.
//
// Durations left zero are sized from the profile's timings, so the same
// scenario holds a zone outage long enough for the control plane to react in
// both the production and the fast profile.
package scenarios
