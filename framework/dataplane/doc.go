// Package dataplane runs the sim environment's data plane honestly. kwok
// nodes run no containers, so for every inference pod bound to a live node a
// real inference server process is started on loopback, and this package
// plays the kubelet's part for those pods: it reports them Running, probes
// readiness and liveness with the manifest's timings (scaled by the profile),
// restarts servers whose liveness fails, and confirms deletions. When the
// fault layer stops a node's heartbeats, the node's servers die at once
// (connections refused) while the control plane notices on its own timers.
//
// Regional gateways take their endpoints from the Service's EndpointSlices,
// as a mesh would, so traffic keeps flowing to a dead node's pods until the
// control plane or outlier detection removes them. Fake pod IPs are never
// dialed: each endpoint maps to its server's loopback address.
//
// The Agent ties it together per environment: model storage, the kubelets,
// gateways, the global load balancer, replication, and a control API the
// fault layer and `gameday status` use. `gameday up` runs it as a daemon.
package dataplane
