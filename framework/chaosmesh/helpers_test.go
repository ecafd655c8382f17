package chaosmesh

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"gameday.io/gameday/framework"
)

// listKinds registers every resource the package lists with the fake client.
func listKinds() map[schema.GroupVersionResource]string {
	m := map[schema.GroupVersionResource]string{
		crdResource:   "CustomResourceDefinitionList",
		leaseResource: "LeaseList",
		podResource:   "PodList",
	}
	for _, k := range Kinds() {
		gvr, _ := k.Resource()
		m[gvr] = string(k) + "List"
	}
	return m
}

// newFake returns a Client over a fake dynamic client holding objs.
func newFake(t *testing.T, objs []runtime.Object, opts ...Option) (*Client, *dynamicfake.FakeDynamicClient) {
	t.Helper()
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds(), objs...)
	opts = append([]Option{WithPollInterval(5 * time.Millisecond), WithLogger(framework.DiscardLogger())}, opts...)
	c, err := New(dyn, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, dyn
}

func toU(m map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(Group.String())
	u.SetKind("PodChaos")
	return u
}
