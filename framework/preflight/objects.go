package preflight

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework/platform"
)

// namespaceLabel checks that the platform's namespace opted in to faults.
func (rr *regionRun) namespaceLabel(ctx context.Context) []Check {
	const name = "namespace-label"
	label := platform.ChaosLabel + "=" + platform.ChaosLabelEnabled
	if rr.Namespace == "" {
		return []Check{rr.fail(name, "no platform namespace given for region %s", rr.Name)}
	}
	ns, err := rr.Client.CoreV1().Namespaces().Get(ctx, rr.Namespace, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return []Check{rr.fail(name, "namespace %s not found: deploy the platform there, then kubectl label namespace %s %s", rr.Namespace, rr.Namespace, label)}
	}
	if err != nil {
		return []Check{rr.fail(name, "read namespace %s: %v", rr.Namespace, err)}
	}
	if got, ok := ns.Labels[platform.ChaosLabel]; !ok || got != platform.ChaosLabelEnabled {
		found := "no " + platform.ChaosLabel + " label"
		if ok {
			found = fmt.Sprintf("%s=%q", platform.ChaosLabel, got)
		}
		return []Check{rr.fail(name, "namespace %s has %s, so faults are refused there: kubectl label namespace %s %s", rr.Namespace, found, rr.Namespace, label)}
	}
	return []Check{rr.pass(name, "namespace %s labelled %s", rr.Namespace, label)}
}

// workload checks that the Deployment exists and wants replicas, and keeps
// it for the chaos-daemon check. Replicas not ready yet are reported, not
// refused: a drill waits for a steady workload before its fault (a pod
// replaced a moment ago is no reason to refuse the run).
func (rr *regionRun) workload(ctx context.Context) []Check {
	const name = "workload"
	ref := rr.Namespace + "/" + rr.Deployment
	if rr.Deployment == "" {
		return []Check{rr.fail(name, "no workload Deployment given for region %s", rr.Name)}
	}
	dep, err := rr.Client.AppsV1().Deployments(rr.Namespace).Get(ctx, rr.Deployment, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return []Check{rr.fail(name, "deployment %s not found: deploy the platform, or name its Deployment", ref)}
	}
	if err != nil {
		return []Check{rr.fail(name, "read deployment %s: %v", ref, err)}
	}
	rr.dep = dep
	want := int32(1)
	if dep.Spec.Replicas != nil {
		want = *dep.Spec.Replicas
	}
	ready := dep.Status.ReadyReplicas
	if want == 0 {
		return []Check{rr.fail(name, "deployment %s is scaled to 0 replicas: there is nothing to drill; scale it up", ref)}
	}
	if ready < want {
		return []Check{rr.pass(name, "deployment %s: %d/%d replicas ready (drills wait until all are; kubectl -n %s rollout status deployment/%s)",
			ref, ready, want, rr.Namespace, rr.Deployment)}
	}
	return []Check{rr.pass(name, "deployment %s: %d/%d replicas ready", ref, ready, want)}
}

// pdbs checks that each expected PodDisruptionBudget exists.
func (rr *regionRun) pdbs(ctx context.Context) []Check {
	return rr.present(ctx, "pdb", "PodDisruptionBudget", rr.PDBs, func(ctx context.Context, n string) error {
		_, err := rr.Client.PolicyV1().PodDisruptionBudgets(rr.Namespace).Get(ctx, n, metav1.GetOptions{})
		return err
	})
}

// services checks that each expected Service exists.
func (rr *regionRun) services(ctx context.Context) []Check {
	return rr.present(ctx, "service", "Service", rr.Services, func(ctx context.Context, n string) error {
		_, err := rr.Client.CoreV1().Services(rr.Namespace).Get(ctx, n, metav1.GetOptions{})
		return err
	})
}

// present reads each named object of a kind and returns one line for all.
func (rr *regionRun) present(ctx context.Context, check, kind string, names []string, get func(context.Context, string) error) []Check {
	if len(names) == 0 {
		return []Check{rr.pass(check, "no %s expected", kind)}
	}
	var found, missing, failed []string
	for _, n := range names {
		ref := rr.Namespace + "/" + n
		switch err := get(ctx, n); {
		case err == nil:
			found = append(found, ref)
		case apierrors.IsNotFound(err):
			missing = append(missing, ref)
		default:
			failed = append(failed, fmt.Sprintf("read %s: %v", ref, err))
		}
	}
	if len(missing)+len(failed) == 0 {
		return []Check{rr.pass(check, "%s %s present", kind, strings.Join(found, ", "))}
	}
	var msg []string
	if len(missing) > 0 {
		msg = append(msg, fmt.Sprintf("%s %s not found: apply the platform's manifests or fix the expected names", kind, strings.Join(missing, ", ")))
	}
	msg = append(msg, failed...)
	return []Check{rr.fail(check, "%s", strings.Join(msg, "; "))}
}
