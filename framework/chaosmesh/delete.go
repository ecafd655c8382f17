package chaosmesh

import (
	"context"
	"errors"
	"fmt"
	"strings"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework"
)

// Delete deletes ref and waits until it is gone, at most the Client's delete
// timeout. Chaos Mesh holds a finalizer until it has recovered every target,
// so a nil error means the fault is reverted. An object already gone is not
// an error.
func (c *Client) Delete(ctx context.Context, ref Ref) error {
	if err := c.startDelete(ctx, ref); err != nil {
		return err
	}
	return c.waitGone(ctx, []Ref{ref})
}

// AnnotationCleanFinalizer, set to "forced", makes the Chaos Mesh controller
// drop an object's finalizers without recovering its targets.
const AnnotationCleanFinalizer = "chaos-mesh.chaos-mesh.org/cleanFinalizer"

// ForceDelete removes ref when Delete cannot: it sets
// AnnotationCleanFinalizer=forced and clears the finalizers in one patch,
// deletes the object and waits until it is gone. Clearing them ourselves is
// needed because the controller only honours the annotation once its records
// step succeeds, which it never does while a target's chaos-daemon is
// missing (seen with the pinned controller). Chaos Mesh does not recover the
// targets, so use it only for objects whose targets were never injected (the
// history shows only failed Apply records) or are gone, and report it.
func (c *Client) ForceDelete(ctx context.Context, ref Ref) error {
	gvr, err := ref.Kind.Resource()
	if err != nil {
		return err
	}
	patch := []byte(`{"metadata":{"finalizers":null,"annotations":{"` + AnnotationCleanFinalizer + `":"forced"}}}`)
	_, err = c.dyn.Resource(gvr).Namespace(ref.Namespace).Patch(ctx, ref.Name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: DefaultFieldManager})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("force delete %s: annotate: %w", ref, err)
	}
	c.log.Warn("chaos mesh object force-deleted: its targets are not recovered by Chaos Mesh", "object", ref.String())
	return c.Delete(ctx, ref)
}

// Selector picks the objects DeleteByLabel removes.
type Selector struct {
	// Run selects the objects of one run; empty selects every object
	// gameday manages (LabelManagedBy=gameday).
	Run string
	// Namespaces to search; at least one. metav1.NamespaceAll ("") searches
	// every namespace.
	Namespaces []string
	// Kinds to search; empty searches every kind gameday describes.
	Kinds []Kind
}

// labels returns the selector's label query.
func (s Selector) labels() (string, error) {
	set := labels.Set{LabelManagedBy: ManagedBy}
	if s.Run != "" {
		set[LabelRun] = s.Run
	}
	sel, err := labels.ValidatedSelectorFromSet(set)
	if err != nil {
		return "", framework.Invalidf("chaos mesh", "selector run %q: %v", s.Run, err)
	}
	return sel.String(), nil
}

// DeleteByLabel deletes every object of every gameday kind that sel picks and
// waits until all are gone (Chaos Mesh has recovered them). Kinds whose CRD is
// not installed are skipped. It returns the objects it deleted, also when some
// deletions or waits failed (the errors are joined).
func (c *Client) DeleteByLabel(ctx context.Context, sel Selector) ([]Ref, error) {
	if len(sel.Namespaces) == 0 {
		return nil, framework.Invalidf("chaos mesh", "delete by label: no namespace given")
	}
	query, err := sel.labels()
	if err != nil {
		return nil, err
	}
	var refs []Ref
	var errs []error
	kinds := sel.Kinds
	if len(kinds) == 0 {
		kinds = Kinds()
	}
	for _, k := range kinds {
		gvr, err := k.Resource()
		if err != nil {
			return nil, err
		}
		for _, ns := range sel.Namespaces {
			list, err := c.dyn.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: query})
			if apierrors.IsNotFound(err) {
				c.log.Debug("chaos mesh kind not served; skipped", "kind", k, "namespace", ns)
				continue
			}
			if apierrors.IsForbidden(err) {
				// This identity may not even list the kind, so it cannot have
				// applied objects of it; someone who may must check.
				c.log.Warn("may not list this Chaos Mesh kind; objects of it left by another identity are not removed", "kind", k, "namespace", ns, "err", err)
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("list %s in namespace %q with %s: %w", k, ns, query, err))
				continue
			}
			for _, it := range list.Items {
				ref := Ref{Kind: k, Namespace: it.GetNamespace(), Name: it.GetName()}
				if err := c.startDelete(ctx, ref); err != nil {
					errs = append(errs, err)
					continue
				}
				refs = append(refs, ref)
			}
		}
	}
	if err := c.waitGone(ctx, refs); err != nil {
		errs = append(errs, err)
	}
	return refs, errors.Join(errs...)
}

// startDelete asks the API server to delete ref; NotFound is success.
func (c *Client) startDelete(ctx context.Context, ref Ref) error {
	gvr, err := ref.Kind.Resource()
	if err != nil {
		return err
	}
	err = c.dyn.Resource(gvr).Namespace(ref.Namespace).Delete(ctx, ref.Name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete %s: %w", ref, err)
	}
	c.log.Info("chaos mesh object deleted; waiting for recovery", "object", ref.String())
	return nil
}

// waitGone polls until every ref is gone or the delete timeout passes; the
// error names each object left with its finalizers and conditions.
func (c *Client) waitGone(ctx context.Context, refs []Ref) error {
	left := append([]Ref(nil), refs...)
	var last []error
	err := wait.PollUntilContextTimeout(ctx, c.poll, c.deleteTimeout, true, func(ctx context.Context) (bool, error) {
		var still []Ref
		last = last[:0]
		for _, ref := range left {
			gvr, _ := ref.Kind.Resource()
			u, err := c.dyn.Resource(gvr).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				continue
			}
			still = append(still, ref)
			if err != nil {
				last = append(last, fmt.Errorf("%s: %w", ref, err))
				continue
			}
			st, _ := statusOf(u)
			last = append(last, fmt.Errorf("%s still present: finalizers %v, conditions %s", ref, u.GetFinalizers(), conditionsString(st)))
		}
		left = still
		return len(left) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("waiting (up to %s) for Chaos Mesh to recover and remove %d object(s) (is its controller running?): %w: %w",
			c.deleteTimeout, len(left), err, errors.Join(last...))
	}
	return nil
}

// conditionsString returns "[Selected=True AllInjected=False]".
func conditionsString(st *chaosv1alpha1.ChaosStatus) string {
	var out []string
	if st != nil {
		for _, c := range st.Conditions {
			out = append(out, string(c.Type)+"="+string(c.Status))
		}
	}
	return "[" + strings.Join(out, " ") + "]"
}
