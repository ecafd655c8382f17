// Package fault injects and reverts the failures a drill needs: pod-kill,
// node-loss, zone-outage, storage-outage, region-outage, partition and drain.
//
// A fault is planned before it runs: Plan resolves its targets (nodes, pods,
// endpoints) without changing anything, and the plan carries everything its
// revert needs. The plan is written to the environment's journal before the
// fault is injected, so `gameday recover` can revert whatever a killed run
// left behind from the journal alone. Every fault has a maximum duration: the
// runner reverts it when the duration ends, on error and on interrupt, and the
// environment's data-plane agent reverts it by itself when the injector dies.
//
// Faults that Chaos Mesh has a kind for (PodChaos, NetworkChaos, HTTPChaos)
// are also described with github.com/chaos-mesh/chaos-mesh/api types; on real
// clusters with Chaos Mesh those objects can be applied, in sim gameday
// carries them out itself.
//
// The Guard refuses environments gameday did not create (unless their
// contexts are allow-listed) and namespaces not labelled gameday.io/chaos=enabled.
package fault
