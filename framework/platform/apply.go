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
	for _, ns := range m.Namespaces {
		if _, err := c.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s: %w", ns.Name, err)
		}
	}
	opts := metav1.CreateOptions{}
	var steps []step
	// Secrets first: the pods of the Deployments read them at start.
	for _, sec := range m.Secrets {
		steps = append(steps, step{what: "Secret/" + sec.Name,
			create: func() error {
				_, err := c.CoreV1().Secrets(sec.Namespace).Create(ctx, sec, opts)
				return err
			}})
	}
	for _, d := range m.Deployments {
		steps = append(steps, step{"Deployment/" + d.Name,
			func() error {
				_, err := c.AppsV1().Deployments(d.Namespace).Create(ctx, d, opts)
				return err
			},
			func() error { return replace(ctx, c, d) }})
	}
	for _, pdb := range m.PDBs {
		steps = append(steps, step{what: "PodDisruptionBudget/" + pdb.Name,
			create: func() error {
				_, err := c.PolicyV1().PodDisruptionBudgets(pdb.Namespace).Create(ctx, pdb, opts)
				return err
			}})
	}
	for _, svc := range m.Services {
		steps = append(steps, step{what: "Service/" + svc.Name,
			create: func() error {
				_, err := c.CoreV1().Services(svc.Namespace).Create(ctx, svc, opts)
				return err
			}})
	}
	for _, cm := range m.ConfigMaps {
		steps = append(steps, step{what: "ConfigMap/" + cm.Name,
			create: func() error {
				_, err := c.CoreV1().ConfigMaps(cm.Namespace).Create(ctx, cm, opts)
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
