package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework/environment"
)

// brokenWorkload is a Deployment and a Service (line 10) that selects none
// of its pods.
const brokenWorkload = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8000}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-svc, namespace: shop}
spec:
  selector: {app: wbe}
  ports: [{port: 80, targetPort: http}]
`

// brokenTraffic is a DestinationRule whose host names no Service.
const brokenTraffic = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web-dr, namespace: shop}
spec:
  host: web.shop.svc.cluster.local
`

// TestUpRefusesBrokenPlatform: `up` judges the platform before it looks for
// a binary or creates anything, so a platform whose parts do not fit is
// refused at once, with exit 2, naming each object at fault and its file,
// even where no tool binary is built.
func TestUpRefusesBrokenPlatform(t *testing.T) {
	state := t.TempDir()
	t.Setenv(environment.StateRootEnv, state)
	t.Setenv(environment.BinDirEnv, t.TempDir()) // no binaries at all
	dir := t.TempDir()
	for name, data := range map[string]string{"workload.yaml": brokenWorkload, "traffic.yaml": brokenTraffic} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The remediated platform with its Sensor pinned to a region the
	// topology lacks: refused with --monitoring, which would carry it out.
	pinned := t.TempDir()
	entries, err := os.ReadDir(filepath.Join("..", "..", "fixtures", "remediated"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "remediated", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.ReplaceAll(data, []byte("topology.kubernetes.io/region: europe-west1"), []byte("topology.kubernetes.io/region: us-west1"))
		if err := os.WriteFile(filepath.Join(pinned, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"Sensor pinned to no region", []string{"up", "--platform", pinned, "--monitoring", "--name", "x"}, []string{
			"Sensor failover-trigger: label topology.kubernetes.io/region=us-west1 names no region of topology",
		}},
		{"broken relations", []string{"up", "--platform", dir, "--name", "x"}, []string{
			"Service shop/web-svc (" + filepath.Join(dir, "workload.yaml") + ":10) selects app=wbe",
			`DestinationRule shop/web-dr (` + filepath.Join(dir, "traffic.yaml") + `:1) host "web.shop.svc.cluster.local" matches no Service`,
		}},
		{"unknown workload", []string{"up", "--platform", "second", "--workload", "nosuch", "--name", "x"}, []string{
			`no Deployment "nosuch"`,
		}},
		{"unknown workload, explicit bin dir", []string{"up", "--platform", "second", "--workload", "recsys/nosuch", "--bin-dir", t.TempDir()}, []string{
			`no Deployment "recsys/nosuch"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var stderr bytes.Buffer
			start := time.Now()
			code := runTo(ctx, c.args, &stderr)
			took := time.Since(start)
			if code != exitUsage {
				t.Errorf("gameday %s: exit %d, want %d; stderr:\n%s", strings.Join(c.args, " "), code, exitUsage, stderr.String())
			}
			// A bound, not a race: the check reads a few manifests.
			if took > 10*time.Second {
				t.Errorf("refused after %s, want at once", took)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			left, err := os.ReadDir(state)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range left {
				t.Errorf("left in the state directory: %s", e.Name())
			}
		})
	}
}
