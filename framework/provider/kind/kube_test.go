package kind

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"gameday.io/gameday/framework/topology"
)

// patchFailing makes the first n node status patches fail with err.
func patchFailing(cs *fake.Clientset, n int, err error) *int {
	calls := 0
	cs.PrependReactor("patch", "nodes", func(k8stesting.Action) (bool, runtime.Object, error) {
		calls++
		if calls <= n {
			return true, nil, err
		}
		return false, nil, nil
	})
	return &calls
}

func TestAdvertiseGPUsRetriesTransientErrors(t *testing.T) {
	// What a kind API server too busy for the client's 15 s timeout gives.
	timeout := &url.Error{Op: "Patch", URL: "https://127.0.0.1/api/v1/nodes/n/status", Err: context.DeadlineExceeded}
	for name, err := range map[string]error{
		"client timeout":  timeout,
		"server timeout":  apierrors.NewServerTimeout(schema.GroupResource{Resource: "nodes"}, "patch", 1),
		"throttled":       apierrors.NewTooManyRequests("slow down", 1),
		"connection lost": fmt.Errorf("connection reset by peer"),
	} {
		t.Run(name, func(t *testing.T) {
			cs := fake.NewClientset(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n"}})
			calls := patchFailing(cs, 2, err)
			if err := advertiseGPUs(context.Background(), cs, "n", 8); err != nil {
				t.Fatalf("advertiseGPUs after 2 transient failures: %v", err)
			}
			if *calls != 3 {
				t.Errorf("%d patches, want 3 (2 failed, 1 applied)", *calls)
			}
			n, _ := cs.CoreV1().Nodes().Get(context.Background(), "n", metav1.GetOptions{})
			if q := n.Status.Allocatable[topology.ResourceGPU]; q.Value() != 8 {
				t.Errorf("allocatable %s = %s, want 8", topology.ResourceGPU, q.String())
			}
		})
	}
}

func TestAdvertiseGPUsFailsAtOnceOnARefusal(t *testing.T) {
	cs := fake.NewClientset(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n"}})
	calls := patchFailing(cs, 100, apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "n", fmt.Errorf("no")))
	err := advertiseGPUs(context.Background(), cs, "n", 8)
	if !apierrors.IsForbidden(err) || *calls != 1 {
		t.Errorf("err %v after %d patches, want Forbidden after 1: a refusal is not retried", err, *calls)
	}
}
