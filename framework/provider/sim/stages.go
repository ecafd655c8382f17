package sim

import "gameday.io/gameday/framework/provider/sim/simapi"

// kwok Stage documents. Giving any stage replaces all of kwok's default
// stages (kwok v0.8.0 falls back to them only when none is configured), so
// these cover everything: a managed node whose Ready condition is not True
// becomes Ready (again); a pod the data plane does not own becomes Running
// and Ready once bound and is deleted once marked for deletion. Pods labelled
// simapi.LabelDataPlane match no stage and are left to the data plane. Liveness of
// nodes is kwok's node lease, renewed only for nodes it manages.

// notDataPlane selects pods without the data-plane label (jq path syntax).
func notDataPlane() map[string]any {
	return map[string]any{"key": `.metadata.labels["` + simapi.LabelDataPlane + `"]`, "operator": "DoesNotExist"}
}

func stage(kind, name string, selector []any, next map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "Stage",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"resourceRef": map[string]any{"apiGroup": "v1", "kind": kind},
			"selector":    map[string]any{"matchExpressions": selector},
			"next":        next,
		},
	}
}

// podReadyStatus is the status a started pod gets: Running, Ready, with the
// IPs kwok allocates (fake addresses nobody dials).
const podReadyStatus = `{{ $now := Now }}
conditions:
- {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
- {type: Ready, status: "True", lastTransitionTime: {{ $now | Quote }}}
- {type: ContainersReady, status: "True", lastTransitionTime: {{ $now | Quote }}}
containerStatuses:
{{ range .spec.containers }}
- {name: {{ .name | Quote }}, image: {{ .image | Quote }}, ready: true, restartCount: 0, state: {running: {startedAt: {{ $now | Quote }}}}}
{{ end }}
{{ with NodeIPsWith .spec.nodeName }}
hostIP: {{ index . 0 | Quote }}
{{ end }}
{{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
phase: Running
startTime: {{ $now | Quote }}
`

func podReadyStage() map[string]any {
	return stage("Pod", "gameday-pod-ready", []any{
		notDataPlane(),
		map[string]any{"key": ".metadata.deletionTimestamp", "operator": "DoesNotExist"},
		map[string]any{"key": ".status.phase", "operator": "In", "values": []any{"Pending"}},
	}, map[string]any{"statusTemplate": podReadyStatus})
}

func podDeleteStage() map[string]any {
	return stage("Pod", "gameday-pod-delete", []any{
		notDataPlane(),
		map[string]any{"key": ".metadata.deletionTimestamp", "operator": "Exists"},
	}, map[string]any{"delete": true})
}

// nodeReadyStatus keeps the node's resources and reports it healthy.
const nodeReadyStatus = `{{ $now := Now }}
conditions:
{{ range NodeConditions }}
- {type: {{ .type | Quote }}, status: {{ .status | Quote }}, reason: {{ .reason | Quote }}, message: {{ .message | Quote }}, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
{{ end }}
addresses:
- {type: InternalIP, address: {{ NodeIP | Quote }}}
- {type: Hostname, address: {{ NodeName | Quote }}}
allocatable:
{{ YAML .status.allocatable 1 }}
capacity:
{{ YAML .status.capacity 1 }}
nodeInfo:
  architecture: amd64
  operatingSystem: linux
  kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
  containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
  kernelVersion: {{ printf "kwok-%s" Version | Quote }}
phase: Running
`

func nodeReadyStage() map[string]any {
	return stage("Node", "gameday-node-ready", []any{
		map[string]any{"key": `.status.conditions.[] | select( .type == "Ready" ) | .status`, "operator": "NotIn", "values": []any{"True"}},
	}, map[string]any{"statusTemplate": nodeReadyStatus})
}
