package conformance

import (
	"bytes"
	"context"
	"flag"

	"net/http"
	"os"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/e2e-framework/klient/k8s/resources"
	"sigs.k8s.io/e2e-framework/klient/wait"
	"sigs.k8s.io/e2e-framework/klient/wait/conditions"
	"sigs.k8s.io/e2e-framework/pkg/env"
	"sigs.k8s.io/e2e-framework/pkg/envconf"
	"sigs.k8s.io/e2e-framework/pkg/features"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/envtest"
	"gameday.io/gameday/framework/topology"
)

var testenv env.Environment

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // every test skips
	}
	testenv = env.NewWithConfig(envconf.New())
	testenv.Setup(envtest.Setup("conf", framework.ProfileFast, "second"))
	testenv.Finish(envtest.Finish())
	os.Exit(testenv.Run(m))
}

// opened is the environment Setup brought up, opened as drills open it.
func opened(ctx context.Context, t *testing.T) (*envtest.Env, *environment.Env) {
	t.Helper()
	e := envtest.From(ctx)
	if e == nil {
		t.Fatal("no environment in the context: Setup did not run")
	}
	o, err := environment.Open(e.Store, e.Record.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, o
}

// regionClient returns the e2e-framework resources client of a region.
func regionClient(t *testing.T, e *envtest.Env, region string) *resources.Resources {
	t.Helper()
	cfg, err := e.RegionConfig(region)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Client().Resources()
}

func TestRegionsAsTheTopologySays(t *testing.T) {
	skipShort(t)
	f := features.New("regions").
		Assess("every node of the topology is Ready in its zone with its GPUs", func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
			e, o := opened(ctx, t)
			for _, r := range o.Record.Regions {
				res := regionClient(t, e, r.Name)
				var nodes corev1.NodeList
				if err := res.List(ctx, &nodes); err != nil {
					t.Fatal(err)
				}
				want := o.Topology.Nodes(r.Name)
				if len(nodes.Items) != len(want) {
					t.Fatalf("region %s has %d nodes, the topology %d", r.Name, len(nodes.Items), len(want))
				}
				got := map[string]corev1.Node{}
				for _, n := range nodes.Items {
					got[n.Name] = n
				}
				for _, w := range want {
					n, ok := got[w.Name]
					if !ok {
						t.Fatalf("node %s of the topology is missing in %s", w.Name, r.Name)
					}
					if z := n.Labels[corev1.LabelTopologyZone]; z != w.Zone {
						t.Errorf("node %s is in zone %q, the topology says %q", n.Name, z, w.Zone)
					}
					if gpus := n.Status.Allocatable[topology.ResourceGPU]; gpus.Value() != int64(w.GPUs) {
						t.Errorf("node %s offers %s GPUs, the topology says %d", n.Name, gpus.String(), w.GPUs)
					}
					if !ready(n) {
						t.Errorf("node %s is not Ready", n.Name)
					}
				}
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

func TestEveryWorkloadIsAvailable(t *testing.T) {
	skipShort(t)
	f := features.New("workloads").
		Assess("each Deployment of the platform is available in every region, behind its Service and PDB", func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
			e, o := opened(ctx, t)
			ws, err := o.Platform.Workloads()
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) < 2 {
				t.Fatalf("the second platform has %d workloads, want its two", len(ws))
			}
			for _, r := range o.Record.Regions {
				res := regionClient(t, e, r.Name)
				for _, w := range ws {
					if err := wait.For(conditions.New(res).DeploymentAvailable(w.Deployment.Name, w.Namespace),
						wait.WithTimeout(2*time.Minute), wait.WithInterval(time.Second), wait.WithContext(ctx)); err != nil {
						t.Fatalf("%s in %s is not available: %v", w.Name(), r.Name, err)
					}
					var dep appsv1.Deployment
					if err := res.Get(ctx, w.Deployment.Name, w.Namespace, &dep); err != nil {
						t.Fatal(err)
					}
					if int(dep.Status.ReadyReplicas) != w.Replicas {
						t.Errorf("%s in %s: %d Ready, the manifest asks %d", w.Name(), r.Name, dep.Status.ReadyReplicas, w.Replicas)
					}
					if w.PDB != nil {
						var pdb policyv1.PodDisruptionBudget
						if err := res.Get(ctx, w.PDB.Name, w.Namespace, &pdb); err != nil {
							t.Errorf("PDB %s of %s in %s: %v", w.PDB.Name, w.Name(), r.Name, err)
						}
					}
					if len(w.Services) > 0 {
						svc := w.Services[0]
						if err := wait.For(endpointsReady(res, svc.Name, w.Namespace, w.Replicas),
							wait.WithTimeout(time.Minute), wait.WithInterval(time.Second), wait.WithContext(ctx)); err != nil {
							t.Errorf("Service %s of %s in %s never listed %d ready endpoints: %v", svc.Name, w.Name(), r.Name, w.Replicas, err)
						}
					}
				}
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

func TestGlobalEndpointServes(t *testing.T) {
	skipShort(t)
	f := features.New("global endpoint").
		Assess("a prediction through the global load balancer succeeds", func(ctx context.Context, t *testing.T, _ *envconf.Config) context.Context {
			e, _ := opened(ctx, t)
			c := http.Client{Timeout: 10 * time.Second}
			resp, err := c.Post(e.Record.URL+"/v1/models/default:predict", "application/json", bytes.NewBufferString(`{"instances": [[1,2,3,4]]}`))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get(framework.HeaderRegion) == "" {
				t.Fatalf("answered %s, served by region %q", resp.Status, resp.Header.Get(framework.HeaderRegion))
			}
			return ctx
		}).Feature()
	testenv.Test(t, f)
}

// endpointsReady holds when the Service's EndpointSlices list n ready endpoints.
func endpointsReady(res *resources.Resources, svc, ns string, n int) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		var slices discoveryv1.EndpointSliceList
		if err := res.WithNamespace(ns).List(ctx, &slices, resources.WithLabelSelector(discoveryv1.LabelServiceName+"="+svc)); err != nil {
			return false, err
		}
		ready := 0
		for _, s := range slices.Items {
			for _, ep := range s.Endpoints {
				if ep.Conditions.Ready != nil && *ep.Conditions.Ready {
					ready++
				}
			}
		}
		return ready >= n, nil
	}
}

func ready(n corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: brings up an environment (needs make tools build)")
	}
}
