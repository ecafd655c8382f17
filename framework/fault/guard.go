package fault

import (
	"context"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/platform"
)

// Guard decides where faults may go.
type Guard struct {
	// AllowContexts lists kubeconfig contexts of environments gameday did not
	// create that the user allows faults in.
	AllowContexts []string
}

// CheckEnvironment refuses an environment gameday did not create unless
// every region's context is allow-listed.
func (g Guard) CheckEnvironment(env *framework.Environment) error {
	if env.CreatedByGameday {
		return nil
	}
	for _, r := range env.Regions {
		if r.Context == "" || !slices.Contains(g.AllowContexts, r.Context) {
			return fmt.Errorf("environment %q (region %s, context %q) was not created by gameday and is not allow-listed (--allow-context): %w",
				env.Name, r.Name, r.Context, framework.ErrRefused)
		}
	}
	return nil
}

// CheckNamespace refuses a namespace not labelled gameday.io/chaos=enabled.
func (g Guard) CheckNamespace(ctx context.Context, c kubernetes.Interface, ns string) error {
	n, err := c.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("check namespace %s: %w", ns, err)
	}
	if n.Labels[platform.ChaosLabel] != platform.ChaosLabelEnabled {
		return fmt.Errorf("namespace %s is not labelled %s=%s; faults only touch namespaces that opted in: %w",
			ns, platform.ChaosLabel, platform.ChaosLabelEnabled, framework.ErrRefused)
	}
	return nil
}
