// Package dataplane is an environment's data plane, shared by the providers
// whose clusters gameday builds (sim, kind): per region, model storage (a
// real S3 server with a regional cache, replicated from the primary) and a
// regional gateway fed from the workload Service's EndpointSlices, as a mesh
// would, so traffic keeps flowing to a dead node's pods until the control
// plane or outlier detection removes them; a global load balancer in front;
// and a fault table whose faults end at their deadline even if the process
// that injected them died.
//
// Who runs the pods is the provider's business: real kubelets on kind (the
// gateway dials pod IPs), or, on sim, the provider's pod host
// (provider.PodHost: the simulated kubelet), whose servers the gateway
// reaches on loopback. The Agent ties it together and serves a control API
// the fault layer and `gameday status` use; `gameday up` runs it as a daemon.
package dataplane
