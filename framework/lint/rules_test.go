package lint

import (
	"testing"
	"time"
)

const honor = "        whenUnsatisfiable: DoNotSchedule\n        nodeTaintsPolicy: Honor\n"
const dns = "        whenUnsatisfiable: DoNotSchedule\n"

func TestPDBRules(t *testing.T) {
	two := WithTopology(topo(t, 2, 3, 8))
	runRuleCases(t, "pdb-no-disruption", []ruleCase{
		{name: "minAvailable equals replicas", manifests: with(t, workloadYAML, "minAvailable: 4", "minAvailable: 6"), opts: []Option{two}, want: true, line: 25, text: "allows no voluntary disruption"},
		{name: "maxUnavailable 0", manifests: with(t, workloadYAML, "minAvailable: 4", "maxUnavailable: 0"), opts: []Option{two}, want: true, line: 25,
			text: "maxUnavailable 0 with 6 replicas of web allows no voluntary disruption"},
		{name: "maxUnavailable 0%", manifests: with(t, workloadYAML, "minAvailable: 4", `maxUnavailable: "0%"`), opts: []Option{two}, want: true, line: 25},
		{name: "maxUnavailable 1", manifests: with(t, workloadYAML, "minAvailable: 4", "maxUnavailable: 1"), opts: []Option{two}},
		{name: "minAvailable below replicas", manifests: workloadYAML, opts: []Option{two}},
		{name: "percentage below replicas", manifests: with(t, workloadYAML, "minAvailable: 4", `minAvailable: "50%"`), opts: []Option{two}},
	})
	runRuleCases(t, "pdb-zone-loss", []ruleCase{
		{name: "spread keeps replacements pending", manifests: workloadYAML, opts: []Option{two}, want: true, line: 25, severity: SeverityError,
			text: "losing zone r1-a takes 3 of 6 replicas (r1-a: 3, r1-b: 3) and only 3 can run again (the DoNotSchedule zone spread constraint keeps 3 replacements Pending), below minAvailable 4 (likewise in r2)"},
		{name: "recovers but dips below the minimum", manifests: with(t, workloadYAML, dns, honor), opts: []Option{two}, want: true, severity: SeverityWarning,
			text: "leaves 3 of 6 replicas, below minAvailable 4, until 3 replacements are scheduled and Ready"},
		{name: "capacity limits recovery", manifests: with(t, workloadYAML, dns, honor, "minAvailable: 4", "minAvailable: 5"), opts: []Option{WithTopology(topo(t, 2, 1, 4))},
			want: true, severity: SeverityError, text: "only 4 can run again (the surviving zones fit only 4 pods of 1 GPU)"},
		{name: "maxUnavailable reads as its minimum", manifests: with(t, workloadYAML, dns, honor, "minAvailable: 4", "maxUnavailable: 1"), opts: []Option{two}, want: true, severity: SeverityWarning,
			text: "leaves 3 of 6 replicas, below the 5 Ready that maxUnavailable 1 requires, until 3 replacements are scheduled and Ready"},
		{name: "maxUnavailable percentage rounds up", manifests: with(t, workloadYAML, "minAvailable: 4", `maxUnavailable: "25%"`), opts: []Option{two}, want: true, severity: SeverityError,
			text: "only 3 can run again (the DoNotSchedule zone spread constraint keeps 3 replacements Pending), below the 4 Ready that maxUnavailable 25% requires"},
		{name: "maxUnavailable of a zone's share", manifests: with(t, workloadYAML, dns, honor, "minAvailable: 4", "maxUnavailable: 3"), opts: []Option{two}},
		{name: "minAvailable percentage", manifests: with(t, workloadYAML, dns, honor, "minAvailable: 4", `minAvailable: "60%"`), opts: []Option{two}, want: true,
			text: "below the 4 Ready that minAvailable 60% requires"},
		{name: "enough replicas to lose a zone", manifests: with(t, workloadYAML, dns, honor, "replicas: 6", "replicas: 8"), opts: []Option{two}},
		{name: "three zones", manifests: workloadYAML, opts: []Option{WithTopology(topo(t, 3, 3, 8))}},
		{name: "single zone", manifests: workloadYAML, opts: []Option{WithTopology(topo(t, 1, 6, 8))}},
	})
	runRuleCases(t, "pdb-zone-drain", []ruleCase{
		{name: "cordoned zone still counts as a domain", manifests: workloadYAML, opts: []Option{two}, want: true, line: 25,
			text: "draining zone r1-a (r1-a: 3, r1-b: 3) stops after 2 evictions: the PDB (minAvailable 4) refuses the next with HTTP 429 because 2 replacements stay Pending (the DoNotSchedule zone spread constraint still counts the cordoned zone as a domain), and 1 pod cannot leave the zone"},
		{name: "no room in the other zone", manifests: with(t, workloadYAML, dns, honor), opts: []Option{WithTopology(topo(t, 2, 1, 3))}, want: true, text: "the other zones fit only 3 pods"},
		{name: "maxUnavailable wording", manifests: with(t, workloadYAML, "minAvailable: 4", "maxUnavailable: 2"), opts: []Option{two}, want: true,
			text: "the PDB (maxUnavailable 2: at least 4 of 6 Ready) refuses the next with HTTP 429"},
		{name: "nodeTaintsPolicy Honor", manifests: with(t, workloadYAML, dns, honor), opts: []Option{two}},
		{name: "ScheduleAnyway", manifests: with(t, workloadYAML, "DoNotSchedule", "ScheduleAnyway"), opts: []Option{two}},
	})
}

func TestCapacityRules(t *testing.T) {
	two := WithTopology(topo(t, 2, 3, 8))
	runRuleCases(t, "spread-zone-loss", []ruleCase{
		{name: "DoNotSchedule", manifests: workloadYAML, opts: []Option{two}, want: true, line: 13,
			text: "maxSkew 1 caps every other zone at 1 pod: 3 replacements stay Pending and the region runs 3 of 6 replicas"},
		{name: "maxSkew below the zone's count", manifests: with(t, workloadYAML, "maxSkew: 1", "maxSkew: 3"), opts: []Option{two}, want: true, text: "maxSkew 3"},
		{name: "maxSkew as large as the replicas", manifests: with(t, workloadYAML, "maxSkew: 1", "maxSkew: 6"), opts: []Option{two}},
		{name: "nodeTaintsPolicy Honor", manifests: with(t, workloadYAML, dns, honor), opts: []Option{two}},
		{name: "ScheduleAnyway", manifests: with(t, workloadYAML, "DoNotSchedule", "ScheduleAnyway"), opts: []Option{two}},
		{name: "hostname spread only", manifests: with(t, workloadYAML, "topologyKey: topology.kubernetes.io/zone", "topologyKey: kubernetes.io/hostname"), opts: []Option{two}},
		{name: "single zone", manifests: workloadYAML, opts: []Option{WithTopology(topo(t, 1, 6, 8))}},
	})
	runRuleCases(t, "capacity-zone-loss", []ruleCase{
		{name: "no N-1 GPU headroom", manifests: with(t, workloadYAML, dns, honor), opts: []Option{WithTopology(topo(t, 2, 1, 4))}, want: true, line: 5,
			text: "after losing zone r1-a, r1's other zones fit only 4 of 6 pods (1 GPU; per zone: r1-a: 4, r1-b: 4)"},
		{name: "required anti-affinity", manifests: with(t, workloadYAML, "      containers:\n", `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: web}}
            topologyKey: kubernetes.io/hostname
      containers:
`), opts: []Option{WithTopology(topo(t, 2, 2, 8))}, want: true, text: "fits only 4 of 6 pods (1 GPU, one pod per node (required anti-affinity)) even with every zone up"},
		{name: "two GPUs a pod", manifests: with(t, workloadYAML, "nvidia.com/gpu: 1", "nvidia.com/gpu: 2"), opts: []Option{WithTopology(topo(t, 2, 1, 8))}, want: true, text: "4 of 6 pods (2 GPU"},
		{name: "enough headroom", manifests: workloadYAML, opts: []Option{two}},
		{name: "CPU requests fit", manifests: with(t, workloadYAML, "resources: {limits: {nvidia.com/gpu: 1}}", "resources: {requests: {cpu: 8, memory: 64Gi}}"), opts: []Option{two}},
	})
	runbook := func(cmd string) string {
		return workloadYAML + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: dr-runbook, namespace: app}\ndata:\n  steps.md: |\n    # Failover\n    ```bash\n    " + cmd + "\n    ```\n"
	}
	runRuleCases(t, "capacity-dr-runbook", []ruleCase{
		{name: "DR region too small", manifests: runbook("kubectl --context=dr-cluster scale deployment web \\\n      --replicas=10 -n app"), opts: []Option{WithTopology(topo(t, 2, 3, 1))},
			want: true, line: 35, text: "scales web to 10 replicas in r2 (context \"dr-cluster\"), but only 6 fit there"},
		{name: "context names the region", manifests: runbook("kubectl scale deploy/web --replicas 7 --context r1-admin"), opts: []Option{WithTopology(topo(t, 2, 3, 1))}, want: true, text: "in r1"},
		{name: "unknown deployment", manifests: runbook("kubectl scale deployment api --replicas=10"), opts: []Option{two}, want: true, severity: SeverityWarning, text: "which these manifests do not define"},
		{name: "fits", manifests: runbook("kubectl --context=dr-cluster scale deployment web --replicas=10 -n app"), opts: []Option{two}},
		{name: "outside code fences", manifests: with(t, runbook("echo"), "# Failover", "kubectl scale deployment web --replicas=99"), opts: []Option{two}},
	})
}

const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: model-backup, namespace: app}
spec:
  schedule: "0 */6 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: b
            image: aws
            command:
            - /bin/sh
            - -c
            - |
              aws s3 sync s3://a s3://b
              aws s3 cp s3://b/manifest.json s3://b/m-$(date +%Y%m%d).json
`

const velero = `apiVersion: velero.io/v1
kind: Schedule
metadata: {name: daily, namespace: velero}
spec:
  schedule: "0 2 * * *"
  template:
    includedNamespaces: [app]
    includedResources: [configmaps, secrets]
    labelSelector: {matchLabels: {backup: enabled}}
    ttl: 720h
`

func TestBackupRules(t *testing.T) {
	runRuleCases(t, "backup-rpo", []ruleCase{
		{name: "6-hourly CronJob", manifests: cronJob, want: true, line: 5, text: `CronJob model-backup runs on "0 */6 * * *" (UTC): up to 6h between runs`},
		{name: "hourly against a 1h RPO", manifests: with(t, cronJob, "0 */6 * * *", "0 * * * *"), want: true,
			text: "up to 1h between runs, so the worst-case RPO is 1h + the backup's duration (data is safe only once a backup has completed, and a failure can strike just before the next one completes); the RPO is 1h, which any backup duration exceeds"},
		{name: "hourly Velero against a 1h RPO", manifests: with(t, velero, "0 2 * * *", "0 * * * *", "ttl: 720h", "ttl: 168h"), want: true, severity: SeverityError, text: "the worst-case RPO is 1h + the backup's duration"},
		{name: "@every 1h against a 1h RPO", manifests: with(t, cronJob, "0 */6 * * *", "@every 1h"), want: true, text: "the worst-case RPO is 1h + the backup's duration"},
		{name: "every 59 minutes of an hour (gap 1h) against a 1h RPO", manifests: with(t, cronJob, "0 */6 * * *", "30 * * * *"), want: true, text: "up to 1h between runs"},
		{name: "every 30 minutes against a 1h RPO", manifests: with(t, cronJob, "0 */6 * * *", "*/30 * * * *")},
		{name: "hourly against a 2h RPO", manifests: with(t, cronJob, "0 */6 * * *", "0 * * * *"), opts: []Option{WithRPO(2 * time.Hour)}},
		{name: "every 15 minutes", manifests: with(t, cronJob, "0 */6 * * *", "*/15 * * * *")},
		{name: "weekdays only", manifests: with(t, cronJob, "0 */6 * * *", "0 2 * * 1-5"), opts: []Option{WithRPO(48 * time.Hour)}, want: true, text: "up to 72h between runs"},
		{name: "suspended", manifests: with(t, cronJob, "spec:\n  schedule", "spec:\n  suspend: true\n  schedule", "0 */6 * * *", "*/5 * * * *"), want: true, text: "takes no backups: spec.suspend is true"},
		{name: "not a backup job", manifests: with(t, cronJob, "model-backup", "report", "aws s3 sync s3://a s3://b", "echo", "aws s3 cp s3://b/manifest.json s3://b/m-$(date +%Y%m%d).json", "echo")},
		{name: "daily Velero schedule", manifests: velero, want: true, line: 5, text: `Velero Schedule daily runs on "0 2 * * *" (UTC): up to 24h between runs`},
		{name: "paused Velero schedule", manifests: with(t, velero, "0 2 * * *", "*/10 * * * *", "spec:\n", "spec:\n  paused: true\n"), want: true, text: "spec.paused is true"},
	})
	runRuleCases(t, "backup-ttl", []ruleCase{
		{name: "expires before the next backup", manifests: with(t, velero, "ttl: 720h", "ttl: 12h"), want: true, line: 10, text: "kept 12h but the schedule \"0 2 * * *\" leaves up to 24h"},
		{name: "long enough", manifests: velero},
		{name: "default TTL", manifests: with(t, velero, "    ttl: 720h\n", "")},
	})
	runRuleCases(t, "backup-coverage", []ruleCase{
		{name: "Deployment not included", manifests: workloadYAML + "---\n" + velero, want: true, line: 3, text: "Deployment web is in no Velero backup (daily includes only configmaps, secrets)"},
		{name: "ConfigMap without the label", manifests: workloadYAML + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: app}\n---\n" + with(t, velero, "includedResources: [configmaps, secrets]", "includedResources: [cm]"),
			want: true, text: "ConfigMap cfg is in no Velero backup (daily selects labels backup=enabled, which the object lacks)"},
		{name: "namespace not included", manifests: workloadYAML + "---\n" + with(t, velero, "includedNamespaces: [app]", "includedNamespaces: [other]"), want: true, text: "does not include namespace app"},
		{name: "everything in the namespace", manifests: workloadYAML + "---\n" + with(t, velero, "    includedResources: [configmaps, secrets]\n", "", "    labelSelector: {matchLabels: {backup: enabled}}\n", "")},
		{name: "or-selector matches", manifests: with(t, workloadYAML, "metadata: {name: web, namespace: app}", "metadata: {name: web, namespace: app, labels: {tier: x}}",
			"metadata: {name: web, namespace: app}", "metadata: {name: web, namespace: app, labels: {tier: x}}") + "---\n" +
			with(t, velero, "    includedResources: [configmaps, secrets]\n", "", "    labelSelector: {matchLabels: {backup: enabled}}\n", "    orLabelSelectors: [{matchLabels: {backup: enabled}}, {matchLabels: {tier: x}}]\n")},
		{name: "no Velero schedule", manifests: workloadYAML},
	})
}

func TestBackupScriptRules(t *testing.T) {
	fast := func(s string) string { return with(t, s, "0 */6 * * *", "*/15 * * * *") }
	runRuleCases(t, "backup-manifest-source", []ruleCase{
		{name: "copies what nothing writes", manifests: cronJob, want: true, line: 19,
			text: "`aws s3 cp` copies s3://b/manifest.json, which nothing in these manifests writes (the sync from s3://a brings it only if s3://a/manifest.json already exists there)"},
		{name: "written by an earlier copy", manifests: with(t, cronJob, "aws s3 sync s3://a s3://b\n", "aws s3 sync s3://a s3://b\n              aws s3 cp ./m.json s3://b/manifest.json\n", "aws s3 cp ./m.json", "echo {} > ./m.json; aws s3 cp ./m.json")},
		{name: "written through a sync", manifests: with(t, cronJob, "aws s3 sync s3://a s3://b\n", "aws s3api list-objects-v2 --bucket a > /tmp/l\n              aws s3 cp /tmp/l s3://a/manifest.json\n              aws s3 sync s3://a s3://b\n")},
		{name: "local file nobody writes", manifests: with(t, cronJob, "s3://b/manifest.json", "/tmp/manifest.json"), want: true, text: "copies /tmp/manifest.json"},
	})
	runRuleCases(t, "backup-manifest-overwrite", []ruleCase{
		{name: "daily name, 6-hourly job", manifests: cronJob, want: true, line: 19, text: "changes name every 24h but the job runs every 6h: each name is overwritten by up to 4 runs"},
		{name: "full timestamp", manifests: fast(with(t, cronJob, "%Y%m%d", "%Y%m%dT%H%M%SZ"))},
		{name: "daily job", manifests: with(t, cronJob, "0 */6 * * *", "0 3 * * *")},
	})
	runRuleCases(t, "backup-script-errexit", []ruleCase{
		{name: "no set -e", manifests: cronJob, want: true, line: 18, text: "goes on after `aws s3 sync` fails"},
		{name: "set -eu", manifests: with(t, cronJob, "            - |\n", "            - |\n              set -eu\n")},
		{name: "steps joined by &&", manifests: with(t, cronJob, "aws s3 sync s3://a s3://b\n", "aws s3 sync s3://a s3://b &&\n")},
		{name: "one command", manifests: with(t, cronJob, "              aws s3 sync s3://a s3://b\n", "")},
	})
}

const alertsYAML = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: r, namespace: monitoring}
spec:
  groups:
  - name: g
    rules:
    - alert: ServiceDown
      expr: EXPR
      for: 2m
      labels: {severity: critical}
`

func alert(t testing.TB, expr string) string { return with(t, alertsYAML, "EXPR", "'"+expr+"'") }

func TestTimingRules(t *testing.T) {
	runRuleCases(t, "rto-recovery", []ruleCase{
		{name: "slow readiness", manifests: with(t, workloadYAML, "initialDelaySeconds: 30", "initialDelaySeconds: 1800"), want: true, line: 19, severity: SeverityError,
			text: "takes about 36m (node-monitor-grace-period 50s + unreachable toleration 5m + readiness 30m10s) of the 30m RTO"},
		{name: "long toleration, tight RTO", manifests: with(t, workloadYAML, "      containers:\n", "      tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 600}]\n      containers:\n"),
			opts: []Option{WithRTO(20 * time.Minute)}, want: true, severity: SeverityWarning, text: "unreachable toleration 10m"},
		{name: "defaults", manifests: workloadYAML},
	})
	runRuleCases(t, "rto-alert", []ruleCase{
		{name: "for longer than the RTO", manifests: with(t, alert(t, "up == 0"), "for: 2m", "for: 30m"), want: true, line: 10, severity: SeverityError,
			text: "alert ServiceDown fires up to 31m after the failure (for: 30m + evaluation interval 1m)"},
		{name: "over half the RTO", manifests: with(t, alert(t, "up == 0"), "for: 2m", "for: 20m"), want: true, severity: SeverityWarning, text: "70%"},
		{name: "slow group interval", manifests: with(t, alert(t, "up == 0"), "for: 2m", "for: 10m", "- name: g", "- name: g\n    interval: 10m"), want: true, severity: SeverityWarning, text: "evaluation interval 10m"},
		{name: "quick", manifests: alert(t, "up == 0")},
	})
}

func TestAlertRules(t *testing.T) {
	zone := `count(kube_node_status_condition{condition="Ready",status="true"}) by (topology_kubernetes_io_zone) < 1`
	runRuleCases(t, "alert-never-fires", []ruleCase{
		{name: "count below one", manifests: alert(t, zone), want: true, line: 9, text: "alert ServiceDown can never fire"},
		{name: "flipped", manifests: alert(t, "1 > count(up)"), want: true},
		{name: "equals zero", manifests: alert(t, "count(up) == 0"), want: true},
		{name: "count below two", manifests: alert(t, "count(up) < 2")},
		{name: "sum below one", manifests: alert(t, "sum(up) < 1")},
		{name: "bool comparison", manifests: alert(t, "count(up) < bool 1")},
	})
	runRuleCases(t, "alert-missing-label", []ruleCase{
		{name: "zone label on a node metric", manifests: alert(t, zone), want: true, text: "count groups by topology_kubernetes_io_zone, which kube_node_status_condition does not carry"},
		{name: "label the metric has", manifests: alert(t, "sum by (node) (kube_node_status_condition) < 1")},
		{name: "unknown metric", manifests: alert(t, "sum by (region) (up) < 1")},
		{name: "joined label", manifests: alert(t, `sum by (zone) (kube_node_status_condition * on (node) group_left (zone) label_replace(kube_node_labels, "zone", "$1", "label_topology_kubernetes_io_zone", "(.+)")) < 1`)},
	})
	runRuleCases(t, "alert-counts-series", []ruleCase{
		{name: "count of a 0/1 metric", manifests: alert(t, zone), want: true, text: "counts kube_node_status_condition series"},
		{name: "count of the ones", manifests: alert(t, `count(kube_node_status_condition{status="true"} == 1) < 3`)},
		{name: "sum", manifests: alert(t, `sum(kube_node_status_condition{status="true"}) < 3`)},
	})
	runRuleCases(t, "alert-empty-aggregation", []ruleCase{
		{name: "sum of up", manifests: alert(t, `sum(up{job="x"}) < 2`), want: true, line: 9, text: "cannot fire once every up series is gone"},
		{name: "or vector(0)", manifests: alert(t, `(sum(up{job="x"}) or vector(0)) < 2`)},
		{name: "grouped", manifests: alert(t, `sum by (zone) (up) < 1`)},
		{name: "too much", manifests: alert(t, `sum(up) > 100`)},
	})
	sensor := func(dataKey string) string {
		return `apiVersion: argoproj.io/v1alpha1
kind: Sensor
metadata: {name: s, namespace: argo}
spec:
  dependencies:
  - {name: dep, eventSourceName: alerts, eventName: service-down}
  triggers:
  - template:
      name: t
      k8s:
        operation: patch
        parameters:
        - src:
            dependencyName: dep
            dataKey: ` + dataKey + `
          dest: metadata.annotations.region
---
`
	}
	runRuleCases(t, "sensor-datakey", []ruleCase{
		{name: "brackets", manifests: sensor("body.alerts[0].labels.region"), want: true, line: 15, severity: SeverityError, text: "the trigger fails instead of setting metadata.annotations.region"},
		{name: "brackets with a default", manifests: sensor("body.alerts[0].labels.region\n            value: r1"), want: true, severity: SeverityWarning, text: "the default value is always used"},
		{name: "gjson index", manifests: sensor("body.alerts.0.labels.region")},
	})
	runRuleCases(t, "sensor-label-missing", []ruleCase{
		{name: "aggregated away", manifests: sensor("body.alerts.0.labels.region") + alert(t, `sum(up{job="x"}) < 2`), want: true, line: 15, text: "reads label region from alerts ServiceDown"},
		{name: "set on the rule", manifests: sensor("body.alerts.0.labels.region") + with(t, alert(t, `sum(up) < 2`), "{severity: critical}", "{severity: critical, region: r1}")},
		{name: "kept by the aggregation", manifests: sensor("body.alerts.0.labels.region") + alert(t, `sum by (region) (up) < 2`)},
		{name: "raw metric", manifests: sensor("body.alerts.0.labels.region") + alert(t, `up == 0`)},
	})
}

const drYAML = `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: dr, namespace: app}
spec:
  host: web
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 3
      maxEjectionPercent: 50
    loadBalancer:
      localityLbSetting:
        enabled: true
        failover:
        - from: r1
          to: r2
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: app}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
`

func TestFailoverRules(t *testing.T) {
	two := WithTopology(topo(t, 2, 3, 8))
	runRuleCases(t, "failover-unknown-region", []ruleCase{
		{name: "target missing", manifests: with(t, drYAML, "to: r2", "to: us-west1") + workloadYAML, opts: []Option{two}, want: true, line: 15, severity: SeverityError,
			text: "failover from r1 goes to us-west1, which is not a region of topology t (regions: r1, r2)"},
		{name: "source missing", manifests: with(t, drYAML, "from: r1", "from: mars") + workloadYAML, opts: []Option{two}, want: true, line: 14, severity: SeverityWarning},
		{name: "both exist", manifests: drYAML + workloadYAML, opts: []Option{two}},
		{name: "locality LB disabled", manifests: with(t, drYAML, "enabled: true", "enabled: false", "to: r2", "to: us-west1") + workloadYAML, opts: []Option{two}},
	})
	runRuleCases(t, "failover-needs-outlier-detection", []ruleCase{
		{name: "no outlier detection", manifests: with(t, drYAML, "    outlierDetection:\n      consecutive5xxErrors: 3\n      maxEjectionPercent: 50\n", "") + workloadYAML, opts: []Option{two}, want: true, line: 8},
		{name: "with outlier detection", manifests: drYAML + workloadYAML, opts: []Option{two}},
	})
	runRuleCases(t, "outlier-max-ejection", []ruleCase{
		{name: "30 percent", manifests: with(t, drYAML, "maxEjectionPercent: 50", "maxEjectionPercent: 30") + workloadYAML, opts: []Option{two}, want: true, line: 9,
			text: "a zone of r1 holds 3 of web's 6 endpoints (50%), but maxEjectionPercent 30 lets outlier detection eject only 1"},
		{name: "Istio default", manifests: with(t, drYAML, "      maxEjectionPercent: 50\n", "") + workloadYAML, opts: []Option{two}, want: true, text: "maxEjectionPercent 10"},
		{name: "half", manifests: drYAML + workloadYAML, opts: []Option{two}},
		{name: "no workload behind the host", manifests: with(t, drYAML, "maxEjectionPercent: 50", "maxEjectionPercent: 30", "host: web", "host: other"), opts: []Option{two}},
	})
}

func TestServiceAndSchemaRules(t *testing.T) {
	svc := "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"
	runRuleCases(t, "service-selector", []ruleCase{
		{name: "no namespace", manifests: workloadYAML + svc, want: true, line: 30, text: "without a namespace it lands in the kubectl context's namespace (default), while the pods it selects run in app/web"},
		{name: "wrong namespace", manifests: workloadYAML + with(t, svc, "{name: web}", "{name: web, namespace: other}"), want: true, text: "in namespace other"},
		{name: "right namespace", manifests: workloadYAML + with(t, svc, "{name: web}", "{name: web, namespace: app}")},
		{name: "selects pods defined elsewhere", manifests: workloadYAML + with(t, svc, "{app: web}", "{app: api}")},
	})
	runRuleCases(t, "namespace-missing", []ruleCase{
		{name: "ConfigMap", manifests: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", want: true, line: 3, severity: SeverityInfo},
		{name: "cluster-scoped", manifests: "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n"},
		{name: "named", manifests: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns1}\n"},
	})
	runRuleCases(t, "schema-unknown-field", []ruleCase{
		{name: "misspelt field", manifests: with(t, workloadYAML, "  replicas: 6\n", "  replicas: 6\n  replica: 3\n"), want: true, line: 6, text: `unknown field "spec.replica"`},
		{name: "clean", manifests: workloadYAML},
	})
	runRuleCases(t, "invalid-value", []ruleCase{
		{name: "cron out of range", manifests: with(t, cronJob, "0 */6 * * *", "61 * * * *"), want: true, line: 5, text: "cron schedule \"61 * * * *\""},
		{name: "cron never runs", manifests: with(t, velero, "0 2 * * *", "0 0 30 2 *"), want: true, text: "does not run twice in eight years"},
		{name: "unknown time zone", manifests: with(t, cronJob, "spec:\n  schedule", "spec:\n  timeZone: Mars/Olympus\n  schedule"), want: true, text: `time zone "Mars/Olympus"`},
		{name: "ttl", manifests: with(t, velero, "ttl: 720h", "ttl: forever"), want: true, line: 10, text: `ttl "forever" is not a duration`},
		{name: "Velero field type", manifests: with(t, velero, "includedNamespaces: [app]", "includedNamespaces: app"), want: true, line: 7, text: "spec.template.includedNamespaces"},
		{name: "PromQL", manifests: alert(t, "sum(up"), want: true, line: 9, text: "expression does not parse"},
		{name: "for", manifests: with(t, alert(t, "up == 0"), "for: 2m", "for: 5 minutes"), want: true, line: 10, text: `for "5 minutes" is not a duration`},
		{name: "valid", manifests: cronJob + "---\n" + velero + "---\n" + alert(t, "up == 0")},
	})
}
