// Package supervise watches the parts of gameday's own harness a drill
// depends on: the processes it started (control planes, the data-plane
// agent, storage servers) and the load generator. When one dies or stops
// answering, the drill's context ends with a *Failure as its cause, so the
// drill stops, reverts its fault and reports that the harness failed, at
// which instant, instead of measuring a broken harness as the system's
// behaviour.
//
// A fault that stops a part on purpose (a region outage stops that region's
// control plane) pauses the checks of its group for as long as it holds.
package supervise
