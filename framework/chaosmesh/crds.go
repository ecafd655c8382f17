package chaosmesh

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"gameday.io/gameday/framework"
)

// DefaultCRDTimeout bounds how long InstallCRDs waits for the CRDs to be Established.
const DefaultCRDTimeout = time.Minute

// InstallCRDs server-side applies every CustomResourceDefinition in dir
// (*.yaml, one CRD per file, as in Chaos Mesh's config/crd/bases; make
// chaos-mesh links them at bin/chaos-mesh-crd) and waits until all are
// Established. It returns the CRD names. Re-applying is idempotent.
func (c *Client) InstallCRDs(ctx context.Context, dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("chaos mesh CRDs: no *.yaml in %s (run hack/chaos-mesh/build.sh): %w", dir, framework.ErrNotFound)
	}
	sort.Strings(files)
	var names []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return names, fmt.Errorf("read CRD: %w", err)
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(b, &u.Object); err != nil {
			return names, framework.Invalidf("chaos mesh", "CRD file %s: %v", f, err)
		}
		if u.GetKind() != "CustomResourceDefinition" || u.GetName() == "" {
			return names, framework.Invalidf("chaos mesh", "CRD file %s holds %s %q, want one CustomResourceDefinition", f, u.GetKind(), u.GetName())
		}
		data, err := u.MarshalJSON()
		if err != nil {
			return names, fmt.Errorf("CRD %s: %w", u.GetName(), err)
		}
		_, err = c.dyn.Resource(crdResource).Patch(ctx, u.GetName(), types.ApplyPatchType, data,
			metav1.PatchOptions{FieldManager: DefaultFieldManager, Force: ptr.To(true)})
		if err != nil {
			return names, fmt.Errorf("apply CRD %s from %s: %w", u.GetName(), f, err)
		}
		names = append(names, u.GetName())
	}
	var pending []string
	err = wait.PollUntilContextTimeout(ctx, c.poll, DefaultCRDTimeout, true, func(ctx context.Context) (bool, error) {
		pending = pending[:0]
		for _, n := range names {
			if err := c.crdEstablished(ctx, n); err != nil {
				pending = append(pending, n)
			}
		}
		return len(pending) == 0, nil
	})
	if err != nil {
		return names, fmt.Errorf("chaos mesh CRDs not Established after %s: %v: %w", DefaultCRDTimeout, pending, err)
	}
	c.log.Info("chaos mesh CRDs installed", "count", len(names), "dir", dir)
	return names, nil
}
