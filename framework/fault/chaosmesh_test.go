package fault

import (
	"encoding/json"
	"testing"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
)

func TestChaosMeshTranslation(t *testing.T) {
	plan := func(s Spec, pods ...string) *Plan { return &Plan{ID: "f-1", Spec: s, Pods: pods} }
	t.Run("pod-kill of a named pod", func(t *testing.T) {
		obj, err := ChaosMesh(plan(Spec{Kind: PodKill, Region: "us-east1", Duration: time.Second}, "us-east1/inference-abc"), testSelector)
		if err != nil {
			t.Fatal(err)
		}
		pc := obj.(*chaosv1alpha1.PodChaos)
		if pc.Kind != "PodChaos" || pc.APIVersion != "chaos-mesh.org/v1alpha1" || pc.Spec.Action != chaosv1alpha1.PodKillAction || pc.Spec.GracePeriod != 0 {
			t.Fatalf("pod chaos = %+v", pc)
		}
		if got := pc.Spec.Selector.Pods["recsys"]; len(got) != 1 || got[0] != "inference-abc" || pc.Spec.Mode != chaosv1alpha1.AllMode {
			t.Fatalf("selector = %+v mode %s", pc.Spec.Selector, pc.Spec.Mode)
		}
	})
	t.Run("partition", func(t *testing.T) {
		obj, err := ChaosMesh(plan(Spec{Kind: Partition, Region: "us-east1", Peer: "europe-west1", Duration: 90 * time.Second}), testSelector)
		if err != nil {
			t.Fatal(err)
		}
		nc := obj.(*chaosv1alpha1.NetworkChaos)
		if nc.Spec.Action != chaosv1alpha1.PartitionAction || nc.Spec.Direction != chaosv1alpha1.Both || nc.Spec.Duration == nil || *nc.Spec.Duration != "1m30s" {
			t.Fatalf("network chaos = %+v", nc.Spec)
		}
		if nc.Spec.Selector.NodeSelectors["topology.kubernetes.io/region"] != "us-east1" || nc.Spec.Target.Selector.NodeSelectors["topology.kubernetes.io/region"] != "europe-west1" {
			t.Fatalf("partition sides: %+v -> %+v", nc.Spec.Selector, nc.Spec.Target.Selector)
		}
	})
	t.Run("zone outage: the zone's pods partitioned from everything", func(t *testing.T) {
		obj, err := ChaosMesh(plan(Spec{Kind: ZoneOutage, Region: "us-east1", Zone: "us-east1-b", Duration: 45 * time.Second}), testSelector)
		if err != nil {
			t.Fatal(err)
		}
		nc := obj.(*chaosv1alpha1.NetworkChaos)
		// A partition with no target drops every packet in both directions
		// with iptables alone; netem's loss would need sch_netem in the kernel.
		if nc.Spec.Action != chaosv1alpha1.PartitionAction || nc.Spec.Direction != chaosv1alpha1.Both || nc.Spec.Target != nil ||
			len(nc.Spec.ExternalTargets) != 0 || nc.Spec.TcParameter != (chaosv1alpha1.TcParameter{}) || nc.Spec.Duration == nil || *nc.Spec.Duration != "45s" {
			t.Fatalf("network chaos = %+v", nc.Spec)
		}
		if nc.Spec.Selector.NodeSelectors["topology.kubernetes.io/zone"] != "us-east1-b" || nc.Spec.Selector.Namespaces[0] != "recsys" ||
			nc.Spec.Selector.LabelSelectors["app.kubernetes.io/name"] != "ranker" || nc.Spec.Mode != chaosv1alpha1.AllMode {
			t.Fatalf("selector = %+v mode %s", nc.Spec.Selector, nc.Spec.Mode)
		}
		// The real CRD's webhook rules accept it (a partition needs no target).
		if errs := nc.Spec.Validate(nil, nil); len(errs) > 0 {
			t.Errorf("Chaos Mesh's validation refuses it: %v", errs)
		}
	})
	t.Run("storage outage error and timeout modes", func(t *testing.T) {
		for mode, abort := range map[string]bool{"backend-error": true, "cache-error": true, "backend-timeout": false, "cache-timeout": false} {
			obj, err := ChaosMesh(plan(Spec{Kind: StorageOutage, Region: "us-east1", Mode: mode, Duration: time.Minute}), testSelector)
			if err != nil {
				t.Fatal(err)
			}
			hc := obj.(*chaosv1alpha1.HTTPChaos)
			gotAbort := hc.Spec.Abort != nil && *hc.Spec.Abort
			gotDelay := hc.Spec.Delay != nil
			if gotAbort != abort || gotDelay == abort || hc.Spec.Target != chaosv1alpha1.PodHttpRequest {
				t.Errorf("%s: abort=%v delay=%v target=%s", mode, gotAbort, gotDelay, hc.Spec.Target)
			}
		}
	})
	t.Run("kinds Chaos Mesh lacks", func(t *testing.T) {
		for _, k := range []Kind{NodeLoss, RegionOutage, Drain} {
			obj, err := ChaosMesh(plan(Spec{Kind: k, Duration: time.Minute}), testSelector)
			if err != nil || obj != nil {
				t.Errorf("%s: %v %v, want nil", k, obj, err)
			}
		}
	})
	t.Run("attached to the plan as JSON that reads back", func(t *testing.T) {
		p := plan(Spec{Kind: Partition, Region: "a", Peer: "b", Duration: time.Minute})
		if err := attachChaosMesh(p, testSelector); err != nil {
			t.Fatal(err)
		}
		var nc chaosv1alpha1.NetworkChaos
		if err := json.Unmarshal(p.ChaosMesh, &nc); err != nil || nc.Name != "f-1" || nc.Spec.Action != chaosv1alpha1.PartitionAction {
			t.Fatalf("round trip: %v %+v", err, nc)
		}
	})
}

// testSelector is a workload of another team: nothing assumes the
// reference's names.
var testSelector = Selector{Namespace: "recsys", Labels: map[string]string{"app.kubernetes.io/name": "ranker"}}
