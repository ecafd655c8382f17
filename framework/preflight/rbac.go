package preflight

import (
	"context"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// rbac asks the API server, with one SelfSubjectAccessReview per Access,
// whether this identity may do it: one line per denied permission, or one
// line when all are allowed.
func (rr *regionRun) rbac(ctx context.Context) []Check {
	const name = "rbac"
	var out []Check
	for _, a := range rr.Access {
		review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: a.Namespace, Verb: a.Verb, Group: a.Group, Resource: a.Resource, Subresource: a.Subresource,
			},
		}}
		got, err := rr.Client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
		if err != nil {
			out = append(out, rr.fail(name, "cannot review %s %s %s (needed by %s): %v", a.Verb, a.resource(), a.where(), a.Why, err))
			continue
		}
		if got.Status.Allowed {
			continue
		}
		why := ""
		if got.Status.Reason != "" {
			why = ": " + got.Status.Reason
		}
		if got.Status.EvaluationError != "" {
			why += " (evaluation error: " + got.Status.EvaluationError + ")"
		}
		out = append(out, rr.fail(name, "cannot %s %s %s (needed by %s)%s: grant it to this identity; verify with kubectl auth can-i %s",
			a.Verb, a.resource(), a.where(), a.Why, why, a.canI()))
	}
	if len(out) == 0 {
		return []Check{rr.pass(name, "%d permissions allowed", len(rr.Access))}
	}
	return out
}

// resource is kubectl's notation: "pods/eviction", "podchaos.chaos-mesh.org",
// "deployments.apps/scale".
func (a Access) resource() string {
	s := a.Resource
	if a.Group != "" {
		s += "." + a.Group
	}
	if a.Subresource != "" {
		s += "/" + a.Subresource
	}
	return s
}

func (a Access) where() string {
	if a.Namespace == "" {
		return "cluster-wide"
	}
	return "in " + a.Namespace
}

// canI is the arguments of `kubectl auth can-i` that repeat the review.
func (a Access) canI() string {
	s := a.Verb + " " + a.Resource
	if a.Group != "" {
		s += "." + a.Group
	}
	if a.Subresource != "" {
		s += " --subresource=" + a.Subresource
	}
	if a.Namespace == "" {
		return s + " --all-namespaces"
	}
	return fmt.Sprintf("%s -n %s", s, a.Namespace)
}
