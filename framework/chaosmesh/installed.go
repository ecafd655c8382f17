package chaosmesh

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ErrNotInstalled marks a missing part of Chaos Mesh: a CRD not established
// or no running controller.
var ErrNotInstalled = errors.New("chaos mesh not installed")

// ControllerLease is the name of the leader-election Lease the Chaos Mesh
// controller-manager holds and renews while it runs.
const ControllerLease = "chaos-mesh"

// ControllerSelector selects the controller-manager's pods in a Helm install.
const ControllerSelector = "app.kubernetes.io/component=controller-manager"

var (
	crdResource   = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	leaseResource = schema.GroupVersionResource{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}
	podResource   = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
)

// Installed checks that the CRDs of kinds (every gameday kind when none is
// given) are established and that a Chaos Mesh controller is running: its
// leader-election Lease renewed within the lease duration (plus the poll
// interval as slack) or, with leader election off, a Ready controller pod.
// Each missing item is one line of the joined error, each wrapping
// ErrNotInstalled.
func (c *Client) Installed(ctx context.Context, kinds ...Kind) error {
	if len(kinds) == 0 {
		kinds = Kinds()
	}
	var errs []error
	for _, k := range kinds {
		if _, err := k.Resource(); err != nil {
			return err
		}
		if err := c.crdEstablished(ctx, k.CRDName()); err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.controllerRunning(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *Client) crdEstablished(ctx context.Context, name string) error {
	u, err := c.dyn.Resource(crdResource).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("CRD %s is missing: %w", name, ErrNotInstalled)
	}
	if err != nil {
		return fmt.Errorf("read CRD %s: %w", name, err)
	}
	if !conditionTrue(u, "Established") {
		return fmt.Errorf("CRD %s is not Established: %w", name, ErrNotInstalled)
	}
	return nil
}

// controllerRunning looks for a fresh Lease, then for a Ready controller pod,
// in each controller namespace.
func (c *Client) controllerRunning(ctx context.Context) error {
	var seen []string
	for _, ns := range c.controllerNamespaces {
		u, err := c.dyn.Resource(leaseResource).Namespace(ns).Get(ctx, ControllerLease, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return fmt.Errorf("read Lease %s/%s: %w", ns, ControllerLease, err)
		default:
			fresh, desc := c.leaseFresh(u)
			if fresh {
				return nil
			}
			seen = append(seen, desc)
		}
		pods, err := c.dyn.Resource(podResource).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: ControllerSelector})
		if err != nil {
			return fmt.Errorf("list controller pods in %s (%s): %w", ns, ControllerSelector, err)
		}
		for i := range pods.Items {
			if conditionTrue(&pods.Items[i], "Ready") {
				return nil
			}
			seen = append(seen, fmt.Sprintf("pod %s/%s not Ready", ns, pods.Items[i].GetName()))
		}
	}
	return fmt.Errorf("no running Chaos Mesh controller: no fresh Lease %q and no Ready pod %s in namespaces %v (seen: %v): %w",
		ControllerLease, ControllerSelector, c.controllerNamespaces, seen, ErrNotInstalled)
}

// leaseFresh reports whether the Lease was renewed within its duration, as
// seen by this machine's clock, and describes it.
func (c *Client) leaseFresh(u *unstructured.Unstructured) (bool, string) {
	holder, _, _ := unstructured.NestedString(u.Object, "spec", "holderIdentity")
	secs, _, _ := unstructured.NestedInt64(u.Object, "spec", "leaseDurationSeconds")
	renew, _, _ := unstructured.NestedString(u.Object, "spec", "renewTime")
	t, err := time.Parse(time.RFC3339Nano, renew)
	if holder == "" || secs <= 0 || err != nil {
		return false, fmt.Sprintf("Lease %s/%s has no holder or renew time", u.GetNamespace(), u.GetName())
	}
	age := c.now().Sub(t)
	desc := fmt.Sprintf("Lease %s/%s held by %s renewed %s ago (duration %ds)", u.GetNamespace(), u.GetName(), holder, age.Round(time.Second), secs)
	return age <= time.Duration(secs)*time.Second+c.poll, desc
}

// conditionTrue reports whether status.conditions holds typ with status True.
func conditionTrue(u *unstructured.Unstructured, typ string) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if ok && m["type"] == typ && m["status"] == "True" {
			return true
		}
	}
	return false
}
