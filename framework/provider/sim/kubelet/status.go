package kubelet

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// containerState is what the kubelet reports about a pod's one container.
type containerState struct {
	running   bool
	ready     bool
	restarts  int32
	startedAt time.Time
	// waiting is the reason when not running (e.g. ContainerCreating, CrashLoopBackOff).
	waiting, message string
}

// statusPatch builds a strategic-merge patch of a data-plane pod's status.
func statusPatch(pod *corev1.Pod, podIP, hostIP string, c containerState) ([]byte, error) {
	now := metav1.Now()
	cond := func(t corev1.PodConditionType, ok bool) map[string]any {
		s := corev1.ConditionFalse
		if ok {
			s = corev1.ConditionTrue
		}
		// Keep the transition time when the status does not change.
		ltt := now
		for _, old := range pod.Status.Conditions {
			if old.Type == t && old.Status == s {
				ltt = old.LastTransitionTime
			}
		}
		return map[string]any{"type": t, "status": s, "lastTransitionTime": ltt}
	}
	var containers []map[string]any
	for _, ctr := range pod.Spec.Containers {
		st := map[string]any{"name": ctr.Name, "image": ctr.Image, "ready": c.ready, "started": c.running, "restartCount": c.restarts}
		if c.running {
			st["state"] = map[string]any{"running": map[string]any{"startedAt": metav1.NewTime(c.startedAt)}}
		} else {
			st["state"] = map[string]any{"waiting": map[string]any{"reason": c.waiting, "message": c.message}}
		}
		containers = append(containers, st)
	}
	status := map[string]any{
		"phase":             corev1.PodRunning,
		"conditions":        []any{cond(corev1.PodInitialized, true), cond(corev1.ContainersReady, c.ready), cond(corev1.PodReady, c.ready)},
		"containerStatuses": containers,
	}
	if pod.Status.StartTime == nil {
		status["startTime"] = now
	}
	if podIP != "" {
		status["podIP"] = podIP
		status["podIPs"] = []any{map[string]any{"ip": podIP}}
	}
	if hostIP != "" {
		status["hostIP"] = hostIP
		status["hostIPs"] = []any{map[string]any{"ip": hostIP}}
	}
	return json.Marshal(map[string]any{"status": status})
}

// patchStatus writes a pod's status through the status subresource.
func patchStatus(ctx context.Context, c kubernetes.Interface, pod *corev1.Pod, patch []byte) error {
	_, err := c.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("update status of pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return nil
}

// confirmDeletion removes a terminated pod, as the kubelet does once its
// containers are gone.
func confirmDeletion(ctx context.Context, c kubernetes.Interface, pod *corev1.Pod) error {
	zero := int64(0)
	err := c.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: &zero,
		Preconditions:      &metav1.Preconditions{UID: &pod.UID},
	})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}
