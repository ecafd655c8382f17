package sim

import (
	"fmt"

	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/provider/sim/kubelet"
)

// HostPods implements provider.PodHost: kwok nodes run no containers, so the
// data plane plays the kubelet for the pods left to it, with one real server
// per pod on loopback.
func (p *Provider) HostPods(cfg provider.PodHostConfig) (provider.Pods, error) {
	if cfg.Client == nil || cfg.Server == nil {
		return nil, fmt.Errorf("sim pod host of region %s: a client and a server spec are required", cfg.Region)
	}
	return kubelet.New(cfg), nil
}
