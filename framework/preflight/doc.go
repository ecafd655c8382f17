// Package preflight checks, region by region, that gameday's drills can run
// on a cluster gameday did not create: the API server answers, the
// platform's namespace opted in to fault injection, the workload, its
// PodDisruptionBudgets and Services exist, this identity holds every
// permission the planned faults and measurements need, Chaos Mesh is
// installed with a chaos-daemon on the workload's nodes, and the cluster's
// clock agrees with ours.
//
// Run checks the regions concurrently, each under its own timeout, and
// returns a Report of one Check per line: the checks of a region in a fixed
// order, the regions in input order, so the output is deterministic. A
// region whose API server does not answer gets one failed "reachable" line
// and nothing else. Every Detail is one line naming the object and, when the
// check failed, what to do about it.
//
// The package only reads (and creates SelfSubjectAccessReviews, which change
// nothing); it is tested with client-go's fake clientsets and httptest.
package preflight
