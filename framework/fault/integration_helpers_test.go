package fault_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/envtest"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/provider"
)

// env is the environment every integration test of this package shares;
// nil under -short.
var env *envtest.Env

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	e, err := envtest.Up(ctx, "ft", framework.ProfileFast, "")
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	env = e
	code := m.Run()
	if err := env.Down(); err != nil {
		fmt.Fprintln(os.Stderr, "tear down:", err)
		code = 1
	}
	os.Exit(code)
}

// fixture gives a test the shared environment in a healthy state.
type fixture struct {
	t       *testing.T
	g       Gomega
	ctx     context.Context
	target  *fault.Target
	clients map[string]kubernetes.Interface
	agent   *dataplane.Client
	to      framework.Timeouts
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	if env == nil {
		t.Skip("integration test: needs make tools build")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	opened, err := environment.Open(env.Store, env.Record.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	target := opened.FaultTarget(environment.FaultOptions{Seed: 7})
	f := &fixture{t: t, g: NewWithT(t), ctx: ctx, target: target, clients: map[string]kubernetes.Interface{},
		agent: dataplane.NewClient(env.Record.AgentURL), to: target.Timeouts}
	for _, r := range env.Record.Regions {
		c, err := cluster.Client(r.Kubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		f.clients[r.Name] = c
	}
	f.settled()
	return f
}

// settled waits until every region is healthy: nodes Ready and unmarked,
// 6 inference pods Ready, none terminating, no open fault.
func (f *fixture) settled() {
	f.t.Helper()
	f.g.Eventually(func(g Gomega) {
		for region, c := range f.clients {
			nodes, err := c.CoreV1().Nodes().List(f.ctx, metav1.ListOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			for _, n := range nodes.Items {
				g.Expect(cluster.NodeReady(&n)).To(BeTrue(), "node %s/%s Ready", region, n.Name)
				g.Expect(n.Spec.Unschedulable).To(BeFalse(), "node %s/%s cordoned", region, n.Name)
				// A started node's Lease is deleted and kwok creates it again
				// on its next renewal; until then the node is not settled.
				lease, err := c.CoordinationV1().Leases("kube-node-lease").Get(f.ctx, n.Name, metav1.GetOptions{})
				g.Expect(err).NotTo(HaveOccurred(), "lease of node %s/%s", region, n.Name)
				g.Expect(lease.Spec.HolderIdentity).NotTo(BeNil(), "lease holder of node %s/%s", region, n.Name)
				g.Expect(*lease.Spec.HolderIdentity).NotTo(Equal(leaseHolderDown), "lease of node %s/%s", region, n.Name)
			}
			g.Expect(f.readyPods(g, region)).To(Equal(6), "Ready inference pods in %s", region)
		}
		open, err := fault.Active(f.target)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(open).To(BeEmpty())
	}).WithContext(f.ctx).WithTimeout(2 * time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// readyPods counts Ready, not terminating inference pods of a region and
// fails g when any pod is terminating.
func (f *fixture) readyPods(g Gomega, region string) int {
	pods, err := f.clients[region].CoreV1().Pods(f.target.Workload.Namespace).List(f.ctx, metav1.ListOptions{LabelSelector: f.target.Workload.String()})
	g.Expect(err).NotTo(HaveOccurred())
	ready := 0
	for _, p := range pods.Items {
		g.Expect(p.DeletionTimestamp).To(BeNil(), "pod %s/%s terminating", region, p.Name)
		if podReady(&p) {
			ready++
		}
	}
	return ready
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// inject plans and injects a fault, registering its revert as cleanup.
func (f *fixture) inject(spec string) *fault.Entry {
	f.t.Helper()
	s, err := fault.Parse(spec)
	f.g.Expect(err).NotTo(HaveOccurred())
	p, err := fault.Prepare(f.ctx, f.target, s)
	f.g.Expect(err).NotTo(HaveOccurred())
	e, err := fault.Inject(f.ctx, f.target, p)
	f.g.Expect(err).NotTo(HaveOccurred())
	f.t.Cleanup(func() { _, _ = fault.Revert(context.Background(), f.target, e.ID) })
	return e
}

func (f *fixture) revert(e *fault.Entry) {
	f.t.Helper()
	got, err := fault.Revert(f.ctx, f.target, e.ID)
	f.g.Expect(err).NotTo(HaveOccurred())
	f.g.Expect(got.State).To(Equal(fault.StateReverted))
}

// podsOn maps the region's server states by pod name.
func (f *fixture) servers(g Gomega, region string) map[string]provider.PodState {
	st, err := f.agent.Status(f.ctx)
	g.Expect(err).NotTo(HaveOccurred())
	out := map[string]provider.PodState{}
	for _, r := range st.Regions {
		if r.Name == region {
			for _, p := range r.Pods {
				out[p.Name] = p
			}
		}
	}
	return out
}

// predict sends one request through the global load balancer as a client of
// region and returns the status and the region that served it.
// Like a real client it gives up after predictTimeout: node, zone and region
// loss black-hole traffic, so a request sent to a lost server or gateway
// hangs instead of failing.
func predict(ctx context.Context, clientRegion string) (int, string, string) {
	ctx, cancel := context.WithTimeout(ctx, predictTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, env.Record.URL+"/v1/models/default:predict", strings.NewReader(`{"instances": [[1,2,3,4]]}`))
	req.Header.Set(framework.HeaderClientRegion, clientRegion)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", ""
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get(framework.HeaderRegion), resp.Header.Get(framework.HeaderRoute)
}

// predictTimeout is the load generator's default request timeout.
const predictTimeout = 2 * time.Second

func unqualify(q string) string {
	_, name, _ := strings.Cut(q, "/")
	return name
}
