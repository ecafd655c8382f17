// Package simapi is what the sim provider and its simulated kubelet agree
// on: the annotations, labels and taint of simulated nodes and pods, and how
// a simulated node is stopped and started (its Lease taken over so kwok can
// no longer renew it, and marked failed so the kubelet's servers go silent:
// frozen by default, killed in refuse mode).
package simapi

import (
	"context"
	"fmt"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
)

// Node annotations and labels.
const (
	// AnnotationNode is the annotation kwok selects the nodes it manages by;
	// it must be set when the node is created (kwok ignores later changes).
	AnnotationNode = "kwok.x-k8s.io/node"
	// AnnotationAlive is its value on every simulated node.
	AnnotationAlive = "fake"
	// AnnotationNodeState records a node gameday has failed: AnnotationDown
	// while its heartbeats are stopped. The data plane freezes the node's
	// servers when it appears (kills them in ModeRefuse).
	AnnotationNodeState = "gameday.io/node-state"
	// AnnotationFailMode is how a failed node's servers fail: ModeBlackHole
	// (also when absent) or ModeRefuse.
	AnnotationFailMode = "gameday.io/fail-mode"
	// AnnotationFaultUntil is when a failed node is due back (RFC 3339).
	AnnotationFaultUntil = "gameday.io/fault-until"
	// AnnotationDown is AnnotationNodeState's value on a failed node.
	AnnotationDown = "down"
	// ModeBlackHole freezes a failed node's servers (SIGSTOP): they keep
	// their listeners and connections and never answer, as a machine that
	// lost power or network; callers wait for their own timeouts.
	ModeBlackHole = "black-hole"
	// ModeRefuse kills a failed node's servers: connections are refused.
	ModeRefuse = "refuse"
	// LeaseHolderDown holds a failed node's Lease so kwok cannot renew it.
	LeaseHolderDown = "gameday-down"
	// TaintKey is the taint every simulated node carries; workloads meant for
	// simulated nodes tolerate it.
	TaintKey = "kwok.x-k8s.io/node"
	// LabelDataPlane marks pods whose lifecycle gameday's data plane plays
	// (kwok leaves them alone).
	LabelDataPlane = "gameday.io/dataplane"
)

// StopNode stops a simulated node's heartbeats (see Provider.StopNode).
// When until is set, the node is annotated with it and the data-plane agent
// starts the node again at that time even if nobody else does. mode is
// ModeBlackHole ("" means it) or ModeRefuse.
func StopNode(ctx context.Context, c kubernetes.Interface, node string, until time.Time, mode string) error {
	if mode == "" {
		mode = ModeBlackHole
	}
	if mode != ModeBlackHole && mode != ModeRefuse {
		return fmt.Errorf("stop node %s: mode %q: want %s or %s: %w", node, mode, ModeBlackHole, ModeRefuse, framework.ErrInvalid)
	}
	if err := setNodeState(ctx, c, node, AnnotationDown, until, mode); err != nil {
		return err
	}
	now := metav1.NewMicroTime(time.Now())
	holder, duration := LeaseHolderDown, int32(24*3600)
	leases := c.CoordinationV1().Leases(corev1NamespaceNodeLease)
	patch := fmt.Sprintf(`{"spec":{"holderIdentity":%q,"leaseDurationSeconds":%d,"renewTime":%q}}`, holder, duration, now.Format(metav1.RFC3339Micro))
	_, err := leases.Patch(ctx, node, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	if apierrors.IsNotFound(err) {
		_, err = leases.Create(ctx, &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: node, Namespace: corev1NamespaceNodeLease},
			Spec:       coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &duration, RenewTime: &now},
		}, metav1.CreateOptions{})
	}
	if err != nil {
		return fmt.Errorf("take over the lease of node %s: %w", node, err)
	}
	return nil
}

// StartNode resumes a simulated node's heartbeats (see Provider.StartNode).
// Starting a node that is not stopped is a no-op. Its servers run again at
// once; the node is Ready again only statusUpdate later, as a real kubelet
// back from a failure posts Ready on its next node status update
// (nodeStatusUpdateFrequency; kind measured it): the lease stays held until
// then, and kwok takes it over once it expires. Zero releases it at once.
func StartNode(ctx context.Context, c kubernetes.Interface, node string, statusUpdate time.Duration) error {
	leases := c.CoordinationV1().Leases(corev1NamespaceNodeLease)
	lease, err := leases.Get(ctx, node, metav1.GetOptions{})
	if err == nil && lease.Spec.HolderIdentity != nil && *lease.Spec.HolderIdentity == LeaseHolderDown {
		if secs := int32((statusUpdate + time.Second - 1) / time.Second); secs > 0 {
			if lease.Spec.LeaseDurationSeconds == nil || *lease.Spec.LeaseDurationSeconds != secs {
				now := metav1.NewMicroTime(time.Now())
				lease.Spec.RenewTime, lease.Spec.LeaseDurationSeconds = &now, &secs
				_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
			}
		} else {
			err = leases.Delete(ctx, node, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &lease.UID}})
		}
	}
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("release the lease of node %s: %w", node, err)
	}
	return setNodeState(ctx, c, node, "", time.Time{}, "")
}

// StopUntil returns when a stopped node is due to start again (zero: never).
func StopUntil(annotations map[string]string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, annotations[AnnotationFaultUntil])
	return t
}

// NodeDown reports whether gameday has failed the node.
func NodeDown(annotations map[string]string) bool {
	return annotations[AnnotationNodeState] == AnnotationDown
}

// FailMode is how a failed node's servers fail (ModeBlackHole unless the
// node says ModeRefuse).
func FailMode(annotations map[string]string) string {
	if annotations[AnnotationFailMode] == ModeRefuse {
		return ModeRefuse
	}
	return ModeBlackHole
}

// corev1NamespaceNodeLease is where node Leases live.
const corev1NamespaceNodeLease = "kube-node-lease"

// setNodeState sets (or, with "", removes) the failed mark of a node, its
// end time and its mode.
func setNodeState(ctx context.Context, c kubernetes.Interface, node, state string, until time.Time, mode string) error {
	value, untilValue, modeValue := "null", "null", "null"
	if state != "" {
		value = fmt.Sprintf("%q", state)
	}
	if !until.IsZero() {
		untilValue = fmt.Sprintf("%q", until.UTC().Format(time.RFC3339Nano))
	}
	if mode != "" {
		modeValue = fmt.Sprintf("%q", mode)
	}
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%s,%q:%s,%q:%s}}}`, AnnotationNodeState, value, AnnotationFaultUntil, untilValue, AnnotationFailMode, modeValue)
	if _, err := c.CoreV1().Nodes().Patch(ctx, node, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("mark node %s %s=%s: %w", node, AnnotationNodeState, state, err)
	}
	return nil
}
