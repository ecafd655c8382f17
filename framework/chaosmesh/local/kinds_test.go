package local_test

import (
	"context"
	"testing"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"gameday.io/gameday/framework/chaosmesh"
)

// everyKind returns one object of each kind gameday applies, shaped as the
// faults build them (framework/fault/chaosmesh.go and issue #14).
func everyKind() map[chaosmesh.Kind]runtime.Object {
	om := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: ns} }
	sel := chaosv1alpha1.PodSelector{Mode: chaosv1alpha1.AllMode, Selector: chaosv1alpha1.PodSelectorSpec{
		GenericSelectorSpec: chaosv1alpha1.GenericSelectorSpec{Namespaces: []string{ns}, LabelSelectors: map[string]string{"app": "inference"}},
		NodeSelectors:       map[string]string{"topology.kubernetes.io/region": "us-east1"}}}
	return map[chaosmesh.Kind]runtime.Object{
		chaosmesh.PodChaos: podChaos("dry-pod", "app", "inference", chaosv1alpha1.PodKillAction),
		chaosmesh.NetworkChaos: &chaosv1alpha1.NetworkChaos{ObjectMeta: om("dry-net"), Spec: chaosv1alpha1.NetworkChaosSpec{
			PodSelector: sel, Action: chaosv1alpha1.PartitionAction, Direction: chaosv1alpha1.Both, Target: &sel, Duration: ptr.To("5m")}},
		chaosmesh.HTTPChaos: &chaosv1alpha1.HTTPChaos{ObjectMeta: om("dry-http"), Spec: chaosv1alpha1.HTTPChaosSpec{
			PodSelector: sel, Target: chaosv1alpha1.PodHttpRequest, Port: 443, Path: ptr.To("/model-registry/*"),
			PodHttpChaosActions: chaosv1alpha1.PodHttpChaosActions{Abort: ptr.To(true)}, Duration: ptr.To("5m")}},
		chaosmesh.IOChaos: &chaosv1alpha1.IOChaos{ObjectMeta: om("dry-io"), Spec: chaosv1alpha1.IOChaosSpec{
			ContainerSelector: chaosv1alpha1.ContainerSelector{PodSelector: sel}, Action: chaosv1alpha1.IoLatency,
			Delay: "2s", VolumePath: "/models", Percent: 100, Duration: ptr.To("5m")}},
		chaosmesh.AWSChaos: &chaosv1alpha1.AWSChaos{ObjectMeta: om("dry-aws"), Spec: chaosv1alpha1.AWSChaosSpec{
			Action: chaosv1alpha1.Ec2Stop, SecretName: ptr.To("cloud-key"), Duration: ptr.To("5m"),
			AWSSelector: chaosv1alpha1.AWSSelector{AWSRegion: "us-east-1", Ec2Instance: "i-0123456789abcdef0"}}},
		chaosmesh.GCPChaos: &chaosv1alpha1.GCPChaos{ObjectMeta: om("dry-gcp"), Spec: chaosv1alpha1.GCPChaosSpec{
			Action: chaosv1alpha1.NodeStop, SecretName: ptr.To("cloud-key"), Duration: ptr.To("5m"),
			GCPSelector: chaosv1alpha1.GCPSelector{Project: "staging", Zone: "us-east1-b", Instance: "gpu-node-1"}}},
		chaosmesh.AzureChaos: &chaosv1alpha1.AzureChaos{ObjectMeta: om("dry-azure"), Spec: chaosv1alpha1.AzureChaosSpec{
			Action: chaosv1alpha1.AzureVmStop, Duration: ptr.To("5m"),
			AzureSelector: chaosv1alpha1.AzureSelector{SubscriptionID: "sub", ResourceGroupName: "staging", VMName: "gpu-node-1", SecretName: ptr.To("cloud-key")}}},
	}
}

// dryRunEveryKind: each kind gameday builds passes the real CRD schema and the
// controller's validating and mutating webhooks (server-side dry run).
func dryRunEveryKind(t *testing.T, ctx context.Context, cm *chaosmesh.Client, run string) {
	objs := everyKind()
	if len(objs) != len(chaosmesh.Kinds()) {
		t.Fatalf("test covers %d kinds, gameday applies %d", len(objs), len(chaosmesh.Kinds()))
	}
	for kind, obj := range objs {
		if err := cm.DryRun(ctx, obj, run); err != nil {
			t.Errorf("%s refused: %v", kind, err)
		}
	}
}
