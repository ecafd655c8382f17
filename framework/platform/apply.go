package platform

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// step creates one object; update, if set, replaces an existing one
// (objects without it are left as they are).
type step struct {
	what   string
	create func() error
	update func() error
}

// Apply creates the manifests in a cluster. An existing Deployment is
// replaced; other existing objects are kept.
func Apply(ctx context.Context, c kubernetes.Interface, m *Manifests) error {
	if _, err := c.CoreV1().Namespaces().Create(ctx, m.Namespace, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", m.Namespace.Name, err)
	}
	opts := metav1.CreateOptions{}
	steps := []step{{"Deployment/" + m.Deployment.Name,
		func() error {
			_, err := c.AppsV1().Deployments(m.Deployment.Namespace).Create(ctx, m.Deployment, opts)
			return err
		},
		func() error { return replace(ctx, c, m.Deployment) }}}
	if m.PDB != nil {
		steps = append(steps, step{what: "PodDisruptionBudget/" + m.PDB.Name,
			create: func() error {
				_, err := c.PolicyV1().PodDisruptionBudgets(m.PDB.Namespace).Create(ctx, m.PDB, opts)
				return err
			}})
	}
	if m.Service != nil {
		steps = append(steps, step{what: "Service/" + m.Service.Name,
			create: func() error {
				_, err := c.CoreV1().Services(m.Service.Namespace).Create(ctx, m.Service, opts)
				return err
			}})
	}
	if m.Runbook != nil {
		steps = append(steps, step{what: "ConfigMap/" + m.Runbook.Name,
			create: func() error {
				_, err := c.CoreV1().ConfigMaps(m.Runbook.Namespace).Create(ctx, m.Runbook, opts)
				return err
			}})
	}
	for _, s := range steps {
		err := s.create()
		if apierrors.IsAlreadyExists(err) {
			err = nil
			if s.update != nil {
				err = s.update()
			}
		}
		if err != nil {
			return fmt.Errorf("apply %s: %w", s.what, err)
		}
	}
	return nil
}

func replace(ctx context.Context, c kubernetes.Interface, d *appsv1.Deployment) error {
	cur, err := c.AppsV1().Deployments(d.Namespace).Get(ctx, d.Name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	next := d.DeepCopy()
	next.ResourceVersion = cur.ResourceVersion
	_, err = c.AppsV1().Deployments(d.Namespace).Update(ctx, next, metav1.UpdateOptions{})
	return err
}

// WaitReady polls until a Deployment has want Ready replicas (and no more
// than want exist), failing at the deadline with the counts it saw.
func WaitReady(ctx context.Context, c kubernetes.Interface, ns, name string, want int32, timeout, poll time.Duration) error {
	var last *appsv1.Deployment
	err := wait.PollUntilContextTimeout(ctx, poll, timeout, true, func(ctx context.Context) (bool, error) {
		d, err := c.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		last = d
		return d.Status.ReadyReplicas >= want && d.Status.UpdatedReplicas >= want, nil
	})
	if err != nil {
		if last == nil {
			return fmt.Errorf("deployment %s/%s not found after %s: %w", ns, name, timeout, err)
		}
		return fmt.Errorf("deployment %s/%s: %d/%d replicas ready after %s (available %d, updated %d): %w",
			ns, name, last.Status.ReadyReplicas, want, timeout, last.Status.AvailableReplicas, last.Status.UpdatedReplicas, err)
	}
	return nil
}
