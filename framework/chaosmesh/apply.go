package chaosmesh

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"

	"gameday.io/gameday/framework"
)

// Apply creates obj (a typed Chaos Mesh object such as *v1alpha1.PodChaos,
// with name and namespace set) labelled with run and LabelManagedBy, and
// returns its Ref. The caller's object is not modified. Applying an object
// that already exists with the same run label is not an error (a retried
// step); one that belongs to another run or to nobody is ErrExists.
func (c *Client) Apply(ctx context.Context, obj runtime.Object, run string) (Ref, error) {
	return c.create(ctx, obj, run, false)
}

// DryRun sends obj to the API server as Apply would, with a server-side dry
// run: the CRD schema and any admission webhooks judge it, nothing is stored.
func (c *Client) DryRun(ctx context.Context, obj runtime.Object, run string) error {
	_, err := c.create(ctx, obj, run, true)
	return err
}

func (c *Client) create(ctx context.Context, obj runtime.Object, run string, dryRun bool) (Ref, error) {
	u, ref, err := toUnstructured(obj, run)
	if err != nil {
		return Ref{}, err
	}
	gvr, _ := ref.Kind.Resource()
	opts := metav1.CreateOptions{FieldManager: DefaultFieldManager}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	_, err = c.dyn.Resource(gvr).Namespace(ref.Namespace).Create(ctx, u, opts)
	switch {
	case err == nil:
		if !dryRun {
			c.log.Info("chaos mesh object applied", "object", ref.String(), "run", run)
		}
		return ref, nil
	case apierrors.IsAlreadyExists(err):
		cur, gerr := c.dyn.Resource(gvr).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if gerr != nil {
			return Ref{}, fmt.Errorf("apply %s: it exists but cannot be read: %w", ref, gerr)
		}
		if owner := cur.GetLabels()[LabelRun]; owner != run {
			return Ref{}, fmt.Errorf("apply %s: it exists with %s=%q, not this run %q: %w", ref, LabelRun, owner, run, framework.ErrExists)
		}
		c.log.Info("chaos mesh object already applied by this run", "object", ref.String(), "run", run)
		return ref, nil
	case apierrors.IsNotFound(err):
		return Ref{}, fmt.Errorf("apply %s: the API server does not serve %s (Chaos Mesh CRD %s not installed?): %w", ref, gvr.Resource, ref.Kind.CRDName(), err)
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		return Ref{}, fmt.Errorf("apply %s: rejected by the cluster: %w: %w", ref, err, framework.ErrInvalid)
	default:
		return Ref{}, fmt.Errorf("apply %s: %w", ref, err)
	}
}

// toUnstructured converts a typed Chaos Mesh object to the labelled
// unstructured form Apply creates.
func toUnstructured(obj runtime.Object, run string) (*unstructured.Unstructured, Ref, error) {
	kind, err := kindOf(obj)
	if err != nil {
		return nil, Ref{}, err
	}
	if run == "" {
		return nil, Ref{}, framework.Invalidf("chaos mesh", "apply %s: empty run id", kind)
	}
	if errs := validation.IsValidLabelValue(run); len(errs) > 0 {
		return nil, Ref{}, framework.Invalidf("chaos mesh", "apply %s: run id %q is not a label value: %v", kind, run, errs)
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj.DeepCopyObject())
	if err != nil {
		return nil, Ref{}, fmt.Errorf("apply %s: convert: %w", kind, err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(Group.String())
	u.SetKind(string(kind))
	ref := Ref{Kind: kind, Namespace: u.GetNamespace(), Name: u.GetName()}
	if ref.Name == "" || ref.Namespace == "" {
		return nil, Ref{}, framework.Invalidf("chaos mesh", "apply %s: metadata.name and metadata.namespace are required", ref)
	}
	if u.GetResourceVersion() != "" {
		return nil, Ref{}, framework.Invalidf("chaos mesh", "apply %s: metadata.resourceVersion is set; pass a new object", ref)
	}
	unstructured.RemoveNestedField(u.Object, "status")
	labels := u.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelRun] = run
	labels[LabelManagedBy] = ManagedBy
	u.SetLabels(labels)
	return u, ref, nil
}
