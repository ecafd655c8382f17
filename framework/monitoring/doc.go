// Package monitoring runs a real Prometheus, Alertmanager and one
// kube-state-metrics per region beside a gameday environment, and reads what
// the platform's alerts did during a drill.
//
// The pieces, each usable alone:
//
//   - RuleFile renders a PrometheusRule manifest (spec.groups as written) as a
//     Prometheus rule file, its `for:` durations multiplied by a profile's
//     manifest scale (0.1 in the fast profile).
//   - PrometheusConfig and AlertmanagerConfig render the two servers'
//     configuration: kube-state-metrics per region, inference servers through
//     a file_sd file that can be rewritten while Prometheus runs, blackbox-style
//     storage probes answered by Prober, and every alert routed to Receiver.
//   - Start runs the whole stack as child processes on loopback ports and
//     waits until each is ready; Stack.Stop ends exactly those processes.
//     The platform runs a Prometheus per region and its rules sum over one
//     region: to evaluate them as written, start one Stack per region with
//     Options.ExternalLabels{"region": name}.
//   - Client reads /api/v1/rules, /api/v1/alerts and instant queries;
//     History, fed by Watch, turns the polled alerts into state transitions
//     (pending, firing, resolved) with their times, and Receiver.First gives
//     when Alertmanager delivered them.
//
// The binaries come from `make tools` (hack/build-monitoring.sh); Start
// fails with framework.ErrMissingBinary when one is missing.
package monitoring
