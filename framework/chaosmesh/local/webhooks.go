package local

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework/chaosmesh"
)

var (
	mutating   = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"}
	validating = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"}
)

// registerWebhooks tells the API server to call the controller's defaulting
// and validating webhooks for every gameday kind. Paths follow
// controller-runtime's convention (/mutate-<group with dashes>-<version>-<kind>),
// which Chaos Mesh's webhooks use.
func (c *Controller) registerWebhooks(ctx context.Context, port int, caBundle []byte) error {
	name := fmt.Sprintf("gameday-chaos-mesh-%s-%d", c.cfg.Namespace, c.PID())
	for _, w := range []struct {
		gvr    schema.GroupVersionResource
		kind   string
		prefix string
	}{{mutating, "MutatingWebhookConfiguration", "mutate"}, {validating, "ValidatingWebhookConfiguration", "validate"}} {
		var hooks []any
		for _, k := range chaosmesh.Kinds() {
			gvr, _ := k.Resource()
			path := fmt.Sprintf("/%s-%s-%s-%s", w.prefix, strings.ReplaceAll(gvr.Group, ".", "-"), gvr.Version, strings.ToLower(string(k)))
			hooks = append(hooks, map[string]any{
				"name": fmt.Sprintf("%s%s.gameday.chaos-mesh.org", w.prefix[:1], gvr.Resource),
				"clientConfig": map[string]any{
					"url":      fmt.Sprintf("https://127.0.0.1:%d%s", port, path),
					"caBundle": base64.StdEncoding.EncodeToString(caBundle),
				},
				"rules": []any{map[string]any{
					"apiGroups": []any{gvr.Group}, "apiVersions": []any{gvr.Version},
					"operations": []any{"CREATE", "UPDATE"}, "resources": []any{gvr.Resource},
				}},
				"failurePolicy": "Fail", "sideEffects": "None", "timeoutSeconds": int64(5),
				"admissionReviewVersions": []any{"v1"},
			})
		}
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "admissionregistration.k8s.io/v1", "kind": w.kind,
			"metadata": map[string]any{"name": name, "labels": map[string]any{chaosmesh.LabelManagedBy: chaosmesh.ManagedBy}},
			"webhooks": hooks,
		}}
		if _, err := c.dyn.Resource(w.gvr).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("chaos controller: register %s %s: %w", w.kind, name, err)
		}
		c.webhooks = append(c.webhooks, w.gvr.Resource+"/"+name)
	}
	c.cfg.Logger.Info("chaos controller webhooks registered", "name", name)
	return nil
}

// unregisterWebhooks deletes the webhook configurations registerWebhooks made.
func (c *Controller) unregisterWebhooks(ctx context.Context) error {
	var errs []error
	for _, rn := range c.webhooks {
		res, name, _ := strings.Cut(rn, "/")
		gvr := mutating
		if res == validating.Resource {
			gvr = validating
		}
		if err := c.dyn.Resource(gvr).Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("chaos controller: remove %s: %w", rn, err))
		}
	}
	c.webhooks = nil
	return errors.Join(errs...)
}

// waitWebhooks polls until the API server calls the mutating webhook: a
// server-side dry run of a PodChaos without selector namespaces comes back
// with the object's namespace filled in, as Chaos Mesh's defaulting does.
func (c *Controller) waitWebhooks(ctx context.Context) error {
	gvr, _ := chaosmesh.PodChaos.Resource()
	probe := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": gvr.GroupVersion().String(), "kind": string(chaosmesh.PodChaos),
		"metadata": map[string]any{"name": "gameday-webhook-probe", "namespace": c.cfg.Namespace},
		"spec": map[string]any{"action": "pod-kill", "mode": "one",
			"selector": map[string]any{"labelSelectors": map[string]any{"gameday.io/probe": "none"}}},
	}}
	var last error
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, c.cfg.ReadyTimeout, true, func(ctx context.Context) (bool, error) {
		got, err := c.dyn.Resource(gvr).Namespace(c.cfg.Namespace).Create(ctx, probe.DeepCopy(), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			last = err
			return false, nil
		}
		ns, _, _ := unstructured.NestedStringSlice(got.Object, "spec", "selector", "namespaces")
		last = fmt.Errorf("dry-run PodChaos not defaulted (selector namespaces %v)", ns)
		return len(ns) == 1 && ns[0] == c.cfg.Namespace, nil
	})
	if err != nil {
		return fmt.Errorf("chaos controller webhooks not called by the API server after %s: %w (last: %v)", c.cfg.ReadyTimeout, err, last)
	}
	return nil
}
