package chaosmesh

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"gameday.io/gameday/framework"
)

var now = time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)

func crd(name string, established bool) *unstructured.Unstructured {
	st := "False"
	if established {
		st = "True"
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": name},
		"status":   map[string]any{"conditions": []any{map[string]any{"type": "Established", "status": st}}},
	}}
}

func lease(ns string, renewed time.Time) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
		"metadata": map[string]any{"name": ControllerLease, "namespace": ns},
		"spec": map[string]any{"holderIdentity": "cm-1", "leaseDurationSeconds": int64(15),
			"renewTime": renewed.Format("2006-01-02T15:04:05.000000Z07:00")},
	}}
}

func pod(ns string, ready bool) *unstructured.Unstructured {
	st := "False"
	if ready {
		st = "True"
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "chaos-controller-manager-0", "namespace": ns,
			"labels": map[string]any{"app.kubernetes.io/component": "controller-manager"}},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": st}}},
	}}
}

func allCRDs(except string, established bool) []runtime.Object {
	var out []runtime.Object
	for _, k := range Kinds() {
		if k.CRDName() != except {
			out = append(out, crd(k.CRDName(), established))
		}
	}
	return out
}

func TestInstalled(t *testing.T) {
	tests := []struct {
		name  string
		objs  []runtime.Object
		kinds []Kind
		want  []string // substrings of the error; none: installed
	}{
		{"fresh lease", append(allCRDs("", true), lease("chaos-mesh", now.Add(-3*time.Second))), nil, nil},
		{"lease in default namespace", append(allCRDs("", true), lease("default", now.Add(-3*time.Second))), nil, nil},
		{"ready pod, no lease", append(allCRDs("", true), pod("chaos-mesh", true)), nil, nil},
		{"stale lease", append(allCRDs("", true), lease("chaos-mesh", now.Add(-time.Hour))),
			nil, []string{"no running Chaos Mesh controller", "renewed 1h0m0s ago"}},
		{"pod not ready", append(allCRDs("", true), pod("chaos-mesh", false)), nil, []string{"not Ready"}},
		{"one CRD missing", append(allCRDs("iochaos.chaos-mesh.org", true), lease("chaos-mesh", now)), nil,
			[]string{"CRD iochaos.chaos-mesh.org is missing"}},
		{"missing CRD of a kind not asked for", append(allCRDs("iochaos.chaos-mesh.org", true), lease("chaos-mesh", now)),
			[]Kind{PodChaos}, nil},
		{"nothing", nil, []Kind{PodChaos, NetworkChaos},
			[]string{"CRD podchaos.chaos-mesh.org is missing", "CRD networkchaos.chaos-mesh.org is missing", "no running"}},
		{"not established", append(allCRDs("", false), lease("chaos-mesh", now)), []Kind{PodChaos},
			[]string{"CRD podchaos.chaos-mesh.org is not Established"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newFake(t, tt.objs)
			c.now = func() time.Time { return now }
			err := c.Installed(context.Background(), tt.kinds...)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Installed = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrNotInstalled) {
				t.Fatalf("Installed = %v, want ErrNotInstalled", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; tt.name == "nothing" && n != 3 {
				t.Errorf("error has %d lines, want one per missing item (3):\n%v", n, err)
			}
		})
	}
}

func TestInstallCRDsBadDir(t *testing.T) {
	c, _ := newFake(t, nil)
	if _, err := c.InstallCRDs(context.Background(), t.TempDir()); !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("empty dir = %v, want ErrNotFound", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("kind: ConfigMap\nmetadata: {name: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.InstallCRDs(context.Background(), dir); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("a non-CRD file = %v, want ErrInvalid", err)
	}
}
