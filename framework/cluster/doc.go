// Package cluster defines how gameday gets one Kubernetes cluster per region:
// a small Provider interface with optional abilities (stopping a node's
// heartbeats, stopping a control plane) discovered by type assertion, and
// helpers shared by the backends. The backends live in subpackages: sim
// (kwokctl --runtime binary with kwok-simulated GPU nodes), kind and existing.
package cluster
