package sim

import (
	"gameday.io/gameday/framework/provider/sim/simapi"

	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"gameday.io/gameday/framework"
)

// binaries lists what the provider runs, by kwokctl option name.
var binaries = map[string]string{
	"kubeApiserverBinary":         "kube-apiserver",
	"kubeControllerManagerBinary": "kube-controller-manager",
	"kubeSchedulerBinary":         "kube-scheduler",
	"kubectlBinary":               "kubectl",
	"etcdBinary":                  "etcd",
	"kwokControllerBinary":        "kwok",
}

// seconds renders a duration as whole seconds (at least 1) for flags that take seconds.
func seconds(d float64) string {
	s := int(d + 0.5)
	if s < 1 {
		s = 1
	}
	return strconv.Itoa(s)
}

func arg(key, value string) map[string]any { return map[string]any{"key": key, "value": value} }

// override replaces a flag kwokctl sets itself instead of adding another.
func override(key, value string) map[string]any {
	return map[string]any{"key": key, "value": value, "override": true}
}

// renderConfig returns the kwokctl configuration (multi-document YAML): the
// binaries, loopback-only listeners, the profile's control-plane timings, kwok
// managing only annotated nodes, and pod stages that skip data-plane pods.
// portOptions are the kwokctl options for every port a cluster listens on.
var portOptions = []string{"kubeApiserverPort", "etcdPort", "etcdPeerPort", "kubeControllerManagerPort", "kubeSchedulerPort", "kwokControllerPort"}

func renderConfig(binDir string, ports []int, t framework.Timeouts) ([]byte, error) {
	if len(ports) != len(portOptions) {
		return nil, fmt.Errorf("render kwokctl config: %d ports, want %d", len(ports), len(portOptions))
	}
	if !framework.NodeEvictionRateOK(t.NodeEvictionRate) {
		return nil, fmt.Errorf("render kwokctl config: node eviction rate %v: kube-controller-manager could never resume tainting lost nodes after a disruption (want > 0 and not 1): %w",
			t.NodeEvictionRate, framework.ErrInvalid)
	}
	opts := map[string]any{
		"runtime":           "binary",
		"bindAddress":       "127.0.0.1", // every component listens on loopback only
		"kubeAuthorization": true,
		"kubeAdmission":     true,
		"securePort":        true,
		// kwokctl multiplies the four heartbeat timings by heartbeatFactor
		// (default 5); 1 keeps the profile's values as they are.
		"heartbeatFactor":                                         1,
		"nodeLeaseDurationSeconds":                                int(t.NodeLeaseDuration.Seconds()),
		"kubeControllerManagerNodeMonitorPeriodMilliseconds":      t.NodeMonitorPeriod.Milliseconds(),
		"kubeControllerManagerNodeMonitorGracePeriodMilliseconds": t.NodeMonitorGracePeriod.Milliseconds(),
	}
	for opt, bin := range binaries {
		opts[opt] = binDir + "/" + bin
	}
	for i, opt := range portOptions {
		opts[opt] = ports[i]
	}
	kwokctl := map[string]any{
		"apiVersion": "config.kwok.x-k8s.io/v1alpha1",
		"kind":       "KwokctlConfiguration",
		"options":    opts,
		"componentsPatches": []any{
			map[string]any{"name": "kube-apiserver", "extraArgs": []any{
				arg("default-not-ready-toleration-seconds", seconds(t.NotReadyToleration.Seconds())),
				arg("default-unreachable-toleration-seconds", seconds(t.UnreachableToleration.Seconds())),
			}},
			map[string]any{"name": "kube-controller-manager", "extraArgs": []any{
				arg("node-eviction-rate", strconv.FormatFloat(t.NodeEvictionRate, 'f', -1, 64)),
				// Its default client limit (20/s, burst 30) leaves hundreds of new
				// nodes tainted not-ready for minutes (measured at 600 nodes).
				arg("kube-api-qps", "200"),
				arg("kube-api-burst", "400"),
				// One instance per cluster: no need to wait for a leader lease
				// after the control plane restarts (region outage).
				arg("leader-elect", "false"),
			}},
			map[string]any{"name": "kube-scheduler", "extraArgs": []any{
				arg("leader-elect", "false"),
			}},
			map[string]any{"name": "kwok-controller", "extraArgs": []any{
				override("manage-all-nodes", "false"),
				arg("manage-nodes-with-annotation-selector", simapi.AnnotationNode+"="+simapi.AnnotationAlive),
			}},
		},
	}
	docs := []any{kwokctl, nodeReadyStage(), podReadyStage(), podDeleteStage()}
	var out []string
	for _, d := range docs {
		b, err := yaml.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("render kwokctl config: %w", err)
		}
		out = append(out, string(b))
	}
	return []byte(strings.Join(out, "---\n")), nil
}
