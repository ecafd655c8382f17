// Package local runs the real Chaos Mesh controller-manager (built by
// hack/chaos-mesh/build.sh) as a local process against a cluster's
// kubeconfig, so that gameday's Chaos Mesh objects are carried out by the
// upstream controller on clusters whose API server is reachable from this
// machine (the sim provider's control planes, kind clusters) without an image
// or a Deployment.
//
// The controller serves its admission webhooks on 127.0.0.1 with a
// self-signed certificate generated per start; with Config.Webhooks the API
// server is told to call them (URL webhooks; this works when the API server
// runs on this machine, as sim's does). Leader election stays on: its Lease is
// the controller's heartbeat that chaosmesh.Client.Installed checks. Stop ends
// the process by its PID and removes the webhook registrations.
package local
