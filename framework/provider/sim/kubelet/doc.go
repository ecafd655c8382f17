// Package kubelet is the sim provider's simulated kubelet: kwok nodes run no
// containers, so for every data-plane pod bound to a live node it runs one
// real server process on loopback, probes it with the manifest's probe
// timings (scaled by the profile), reports the pod's status the way a
// kubelet does, restarts it with back-off, and stops it when Kubernetes
// deletes the pod. When a node is stopped (simapi), the kubelet on it does
// nothing more (no probes, no status) and its servers freeze (SIGSTOP: the
// listener and connections stay, nothing answers, as a machine that lost
// power or network) or, in refuse mode, die at once. A frozen server is
// resumed when its node returns and killed when its pod is gone or the
// kubelet ends. Expire starts nodes again whose fault has run out.
package kubelet

import "gameday.io/gameday/framework/provider"

var _ provider.Pods = (*Kubelet)(nil)
