package kind

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
)

// cniConfPath is where each node's CNI configuration goes.
const cniConfPath = "/etc/cni/net.d/10-gameday.conflist"

// nodeNet is one node's container, address and pod range.
type nodeNet struct {
	Name    string // node and container name
	IP      string // InternalIP (the container's address on the docker network)
	PodCIDR string
}

// nodeNets reads the nodes' addresses and pod ranges; ok is false while a
// node has no podCIDR yet.
func nodeNets(nodes []corev1.Node) (out []nodeNet, ok bool) {
	for _, n := range nodes {
		nn := nodeNet{Name: n.Name, PodCIDR: n.Spec.PodCIDR}
		for _, a := range n.Status.Addresses {
			if a.Type == corev1.NodeInternalIP && !strings.Contains(a.Address, ":") {
				nn.IP = a.Address
			}
		}
		if nn.PodCIDR == "" || nn.IP == "" {
			return nil, false
		}
		out = append(out, nn)
	}
	return out, true
}

// cniConfig is a node's CNI configuration: a bridge with the node's pod
// range (host-local IPAM) and portmap for hostPort. No masquerading: pods
// keep their addresses on the docker network, which routes them (node routes
// and the host routes below).
func cniConfig(podCIDR string) (string, error) {
	conf := map[string]any{
		"cniVersion": "1.0.0",
		"name":       "gameday",
		"plugins": []any{
			map[string]any{
				"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
				"ipam": map[string]any{
					"type":   "host-local",
					"ranges": [][]map[string]string{{{"subnet": podCIDR}}},
					"routes": []map[string]string{{"dst": "0.0.0.0/0"}},
				},
			},
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}},
		},
	}
	b, err := json.MarshalIndent(conf, "", "  ")
	return string(b), err
}

// setupNetwork writes every node's CNI configuration, routes each node's pod
// range from every other node, and from this machine (so gameday's gateways
// reach pod IPs). One docker exec per node, nodes in parallel. Re-running it
// converges (ip route replace).
func setupNetwork(ctx context.Context, nodes []nodeNet) error {
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		conf, err := cniConfig(n.PodCIDR)
		if err != nil {
			return fmt.Errorf("CNI config of %s: %w", n.Name, err)
		}
		// The script reads the configuration from stdin; routes are arguments.
		script := "set -e; cat >" + cniConfPath + ".tmp; mv " + cniConfPath + ".tmp " + cniConfPath
		for _, o := range nodes {
			if o.Name != n.Name {
				script += "; ip route replace " + o.PodCIDR + " via " + o.IP
			}
		}
		wg.Go(func() {
			if _, err := nodeExec(ctx, n.Name, strings.NewReader(conf), "sh", "-c", script); err != nil {
				errs[i] = fmt.Errorf("CNI configuration and routes on node %s: %w", n.Name, err)
			}
		})
	}
	wg.Wait()
	for _, n := range nodes {
		if _, err := run(ctx, nil, "ip", "route", "replace", n.PodCIDR, "via", n.IP); err != nil {
			errs = append(errs, fmt.Errorf("host route %s via %s (node %s): %w", n.PodCIDR, n.IP, n.Name, err))
		}
	}
	return errors.Join(errs...)
}

// removeHostRoutes deletes this machine's routes into a cluster's pod subnet
// (every route whose destination lies inside it). None is not an error.
func removeHostRoutes(ctx context.Context, podSubnet string) error {
	out, err := run(ctx, nil, "ip", "-4", "route", "show", "root", podSubnet)
	if err != nil {
		return fmt.Errorf("list host routes in %s: %w", podSubnet, err)
	}
	var errs []error
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if _, err := run(ctx, nil, "ip", "route", "del", f[0]); err != nil {
			errs = append(errs, fmt.Errorf("delete host route %s: %w", f[0], err))
		}
	}
	return errors.Join(errs...)
}
