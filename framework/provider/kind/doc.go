// Package kind is gameday's kind provider: one real kind cluster per region,
// created with sigs.k8s.io/kind as a library, offline, from the images
// hack/kind/build-images.sh builds (a node image with Kubernetes v1.37.2 and
// every image it runs preloaded, and the inference server).
//
// What it adds to a plain kind cluster:
//   - distinct pod and service subnets per cluster (allocated machine-wide, so
//     the host can route to every cluster's pods at once);
//   - worker nodes labelled with their topology zone and region, and
//     advertising nvidia.com/gpu from the topology (a status patch: there are
//     no GPUs to run a device plugin for);
//   - its own small CNI setup instead of kindnetd (which no Go module proxy
//     serves): Debian's bridge, host-local and portmap plugins per node with
//     the node's podCIDR, routes between nodes, and host routes from this
//     machine to every podCIDR so gameday's gateways reach pod IPs;
//   - control-plane timings from the profile (framework.Timeouts);
//   - node loss as `docker pause` of the node container (a black hole: no
//     heartbeats, connections hang), with a deadline persisted on disk so a
//     watchdog (ExpireNodes) unpauses a node even if gameday died.
//
// Cluster names on the machine carry the prefix "gdk-", and every cluster of
// one environment shares the docker network "gdk-<env>"; Delete removes the
// cluster, its host routes, its subnet allocation and, once empty, the network.
package kind
