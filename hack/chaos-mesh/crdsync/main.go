// Command crdsync copies Chaos Mesh's CRDs from the pinned controller module
// (config/crd/bases) into the tools cache and adds the schema of the fields
// the pinned api module has and those CRDs lack.
//
// Why: the Go module proxy serves no api module at the controller's commit,
// so the controller is built against a 4-day newer api
// (hack/tools/chaos-mesh/go.mod). That api's defaulting webhook sets
// NetworkChaos.spec.partitionBehavior=drop; a CRD without the field prunes it
// on create, and on every later update the validating webhook then sees the
// spec "changed" and refuses the controller's own status writes ("Cannot
// update chaos spec"), so a NetworkChaos never progresses. Adding the field
// as the newer api declares it (enum drop|reject, default drop) keeps the
// CRD and the webhook in agreement.
//
// Usage: go run ./hack/chaos-mesh/crdsync SRC_DIR DST_DIR
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// added are the properties to add per CRD file, under spec.versions[*].schema.openAPIV3Schema.properties.spec.properties.
var added = map[string]map[string]any{
	"chaos-mesh.org_networkchaos.yaml": {
		"partitionBehavior": map[string]any{
			"type": "string", "enum": []any{"drop", "reject"}, "default": "drop",
			"description": "PartitionBehavior defines how matched packets are handled for the partition action (added by gameday's crdsync to match the pinned api module).",
		},
	},
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: crdsync SRC_DIR DST_DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "crdsync:", err)
		os.Exit(1)
	}
}

func run(src, dst string) error {
	files, err := filepath.Glob(filepath.Join(src, "*.yaml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no CRD in %s", src)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if props, ok := added[filepath.Base(f)]; ok {
			if b, err = addProperties(b, props); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// addProperties adds props to every version's spec schema unless present.
func addProperties(b []byte, props map[string]any) ([]byte, error) {
	var crd map[string]any
	if err := yaml.Unmarshal(b, &crd); err != nil {
		return nil, err
	}
	versions, _ := dig(crd, "spec", "versions").([]any)
	if len(versions) == 0 {
		return nil, fmt.Errorf("no spec.versions")
	}
	for _, v := range versions {
		spec, ok := dig(v, "schema", "openAPIV3Schema", "properties", "spec", "properties").(map[string]any)
		if !ok {
			return nil, fmt.Errorf("no spec properties in the schema")
		}
		for name, p := range props {
			if _, exists := spec[name]; !exists {
				spec[name] = p
			}
		}
	}
	return yaml.Marshal(crd)
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
