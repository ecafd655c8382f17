// Package lint finds disaster-recovery gaps in Kubernetes manifests before any
// fault is injected: it checks a platform (fixtures.Platform) against the
// recovery objectives (RTO, RPO) and a topology (framework/topology).
//
// Each rule has an id, a default severity and a suggested fix; every Finding
// names the file and line it is about. The rules model Kubernetes as it
// behaves, not as one might hope: for example, after a zone outage the lost
// zone's Node objects remain (NotReady, tainted), so a topology spread
// constraint with whenUnsatisfiable: DoNotSchedule and the default
// nodeTaintsPolicy (Ignore) still counts that zone as a domain holding zero
// pods, and replacements that would raise the skew stay Pending
// (kube-scheduler's PodTopologySpread filter; terminating pods are not
// counted). Rules that depend on such a model say so in their help text.
//
// Reports render as text for people, JSON for tools and SARIF 2.1.0 for code
// scanning (WriteText, WriteJSON, WriteSARIF).
package lint
