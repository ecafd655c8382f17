// Package chaosmesh applies gameday's Chaos Mesh objects (PodChaos,
// NetworkChaos, HTTPChaos, IOChaos and the cloud node-stop kinds) to a cluster
// where Chaos Mesh is installed, follows what the Chaos Mesh controller does
// with them, and removes them safely.
//
// Every object is labelled with the run that created it (LabelRun) and with
// LabelManagedBy=gameday, so `gameday recover` can find what a killed run left
// behind (DeleteByLabel). Delete waits until the object is gone: Chaos Mesh
// keeps a finalizer on each object until it has recovered every target, so an
// object that is gone has been recovered; ForceDelete is the reported last
// resort for objects the controller cannot recover (no chaos-daemon). Watch
// records the status history (Selected, AllInjected, AllRecovered, Paused, the
// desired phase, each target's phase and failed record events) with the time
// gameday saw each change. Installed checks that the CRDs are established and that a
// controller is running, one error line per missing item, for a preflight.
//
// The package talks to the API server with a dynamic client only, so it works
// with any kubeconfig and is tested with client-go's fake dynamic client.
package chaosmesh
