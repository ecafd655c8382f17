package fault_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/platform"
	"gameday.io/gameday/framework/storage"
)

func TestNodeLossIntegration(t *testing.T) {
	f := newFixture(t)
	c := f.clients["us-east1"]
	pods, err := c.CoreV1().Pods(f.target.Workload.Namespace).List(f.ctx, metav1.ListOptions{LabelSelector: f.target.Workload.String()})
	f.g.Expect(err).NotTo(HaveOccurred())
	node := pods.Items[0].Spec.NodeName
	e := f.inject("node-loss node=" + node + " duration=2m")
	victims := map[string]bool{}
	for _, p := range e.Pods {
		victims[unqualify(p)] = true
	}
	f.g.Expect(victims).NotTo(BeEmpty())

	// The servers freeze at once (black-hole, the default); the control
	// plane has not noticed yet.
	f.g.Eventually(func(g Gomega) {
		for name, st := range f.servers(g, "us-east1") {
			if victims[name] {
				g.Expect(st.Running).To(BeFalse(), "server of %s", name)
				g.Expect(st.Frozen).To(BeTrue(), "server of %s", name)
			}
		}
	}).WithTimeout(2 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
	n, err := c.CoreV1().Nodes().Get(f.ctx, node, metav1.GetOptions{})
	f.g.Expect(err).NotTo(HaveOccurred())
	f.g.Expect(cluster.NodeReady(n)).To(BeTrue(), "the control plane must not notice before its grace period")

	// NotReady after the grace period; pods evicted and replaced elsewhere.
	f.g.Eventually(func() bool {
		n, _ := c.CoreV1().Nodes().Get(f.ctx, node, metav1.GetOptions{})
		return n != nil && !cluster.NodeReady(n)
	}).WithTimeout(f.to.NodeMonitorGracePeriod + 10*time.Second).WithPolling(200 * time.Millisecond).Should(BeTrue())
	f.g.Eventually(func(g Gomega) {
		pods, err := c.CoreV1().Pods(f.target.Workload.Namespace).List(f.ctx, metav1.ListOptions{LabelSelector: f.target.Workload.String()})
		g.Expect(err).NotTo(HaveOccurred())
		ready := 0
		for _, p := range pods.Items {
			if victims[p.Name] {
				g.Expect(p.DeletionTimestamp).NotTo(BeNil(), "pod %s on the dead node is evicted", p.Name)
			} else if podReady(&p) {
				ready++
			}
		}
		g.Expect(ready).To(Equal(6), "replacements Ready on other nodes")
	}).WithTimeout(f.to.UnreachableToleration + f.to.NodeMonitorGracePeriod + 60*time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())

	f.revert(e)
	f.settled()
}

func TestZoneOutageIntegration(t *testing.T) {
	f := newFixture(t)
	e := f.inject("zone-outage zone=us-east1-b duration=2m")
	f.g.Expect(e.Nodes).To(HaveLen(3))
	victims := map[string]bool{}
	for _, p := range e.Pods {
		victims[unqualify(p)] = true
	}
	f.g.Expect(victims).To(HaveLen(3), "3 of the 6 pods run in each zone")
	f.g.Eventually(func(g Gomega) {
		for name, st := range f.servers(g, "us-east1") {
			g.Expect(st.Running).To(Equal(!victims[name]), "server of %s", name)
			g.Expect(st.Frozen).To(Equal(victims[name]), "server of %s", name)
		}
	}).WithTimeout(2 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
	// Every node of the zone goes NotReady; traffic is still served by the other zone.
	f.g.Eventually(func(g Gomega) {
		for _, q := range e.Nodes {
			n, err := f.clients["us-east1"].CoreV1().Nodes().Get(f.ctx, unqualify(q), metav1.GetOptions{})
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(cluster.NodeReady(n)).To(BeFalse(), "node %s", n.Name)
		}
	}).WithTimeout(f.to.NodeMonitorGracePeriod + 10*time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	// The surviving zone serves. A single request may still fail while the
	// dead endpoints are neither ejected nor removed (three dead tries in a
	// row exhaust the retries), so poll.
	f.g.Eventually(func(g Gomega) {
		code, region, _ := predict(f.ctx, "us-east1")
		g.Expect(code).To(Equal(http.StatusOK))
		g.Expect(region).To(Equal("us-east1"))
	}).WithTimeout(5 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
	f.revert(e)
	f.settled()
}

// referenceModelBucket is the reference platform's model bucket (its backup
// CronJob copies it), which the test environment serves.
const referenceModelBucket = "model-registry"

func TestStorageOutageIntegration(t *testing.T) {
	f := newFixture(t)
	creds, err := env.Store.LoadCredentials(env.Record.Name)
	f.g.Expect(err).NotTo(HaveOccurred())
	region, _ := env.Record.Region("europe-west1")
	st, err := storage.NewStore(storage.Endpoint{URL: region.StorageURL, Region: region.Name, AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, PathStyle: true}, 5*time.Second)
	f.g.Expect(err).NotTo(HaveOccurred())
	_, err = storage.Get(f.ctx, st.Bucket(referenceModelBucket), storage.DefaultModelKey)
	f.g.Expect(err).NotTo(HaveOccurred(), "the model loads through the regional cache before the fault")

	e := f.inject("storage-outage region=europe-west1 mode=cache-error duration=2m")
	_, err = storage.Get(f.ctx, st.Bucket(referenceModelBucket), storage.DefaultModelKey)
	f.g.Expect(err).To(HaveOccurred(), "model storage of europe-west1 fails during the outage")
	f.g.Expect(err.Error()).To(ContainSubstring("503"))
	// Running servers keep serving from memory.
	code, served, _ := predict(f.ctx, "europe-west1")
	f.g.Expect(code).To(Equal(http.StatusOK))
	f.g.Expect(served).To(Equal("europe-west1"))
	// A replacement pod cannot load its model: gameday status says so and why.
	kill := f.inject("pod-kill region=europe-west1")
	f.g.Eventually(func(g Gomega) {
		out, err := env.Gameday(f.ctx, "status", "--name", env.Record.Name, "-o", "json").Output()
		g.Expect(err).To(HaveOccurred(), "status exits 1 while a replica is not Ready")
		var st struct {
			Regions []struct {
				Name      string
				Inference struct {
					Ready, Desired int32
					Unready        []struct{ Pod, Reason string }
				}
			}
		}
		g.Expect(json.Unmarshal(out, &st)).To(Succeed())
		for _, r := range st.Regions {
			if r.Name == "europe-west1" {
				g.Expect(r.Inference.Unready).NotTo(BeEmpty())
				g.Expect(r.Inference.Unready[0].Reason).To(ContainSubstring("model"), "reason: %s", r.Inference.Unready[0].Reason)
			}
		}
	}).WithTimeout(20*time.Second).WithPolling(500*time.Millisecond).Should(Succeed(), "killed %v", kill.Result.Killed)

	f.revert(e)
	_, err = storage.Get(f.ctx, st.Bucket(referenceModelBucket), storage.DefaultModelKey)
	f.g.Expect(err).NotTo(HaveOccurred(), "model storage answers again after the revert")
	f.settled()
}

func TestRegionOutageIntegration(t *testing.T) {
	f := newFixture(t)
	e := f.inject("region-outage region=us-east1 duration=2m")
	// The global load balancer stops sending us-east1's clients home once its
	// health checks fail; the DestinationRule names us-west1, which does not
	// exist, so the traffic goes to the other healthy region as a fallback.
	f.g.Eventually(func(g Gomega) {
		code, served, route := predict(f.ctx, "us-east1")
		g.Expect(code).To(Equal(http.StatusOK))
		g.Expect(served).To(Equal("europe-west1"))
		g.Expect(route).To(Equal("fallback"))
	}).WithTimeout(10 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
	_, err := f.clients["us-east1"].CoreV1().Nodes().List(f.ctx, metav1.ListOptions{})
	f.g.Expect(err).To(HaveOccurred(), "the region's API is unreachable")

	f.revert(e)
	f.settled()
	f.g.Eventually(func(g Gomega) {
		code, served, route := predict(f.ctx, "us-east1")
		g.Expect(code).To(Equal(http.StatusOK))
		g.Expect(served).To(Equal("us-east1"))
		g.Expect(route).To(Equal("local"))
	}).WithTimeout(15 * time.Second).WithPolling(100 * time.Millisecond).Should(Succeed())
}

func TestPartitionIntegration(t *testing.T) {
	f := newFixture(t)
	creds, err := env.Store.LoadCredentials(env.Record.Name)
	f.g.Expect(err).NotTo(HaveOccurred())
	bucket := func(region string) storage.Bucket {
		r, _ := env.Record.Region(region)
		st, err := storage.NewStore(storage.Endpoint{URL: r.StorageBackendURL, Region: r.Name, AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, PathStyle: true}, 5*time.Second)
		f.g.Expect(err).NotTo(HaveOccurred())
		return st.Bucket(referenceModelBucket)
	}
	e := f.inject("partition region=us-east1 peer=europe-west1 duration=2m")
	key := fmt.Sprintf("models/partition-test/%d.json", time.Now().UnixNano())
	f.g.Expect(storage.Put(f.ctx, bucket("us-east1"), key, []byte("{}"), "application/json", nil)).To(Succeed())
	// Replication runs every second in the fast profile: nothing crosses the partition.
	f.g.Consistently(func() error {
		_, err := storage.Head(f.ctx, bucket("europe-west1"), key)
		return err
	}).WithTimeout(3 * time.Second).WithPolling(250 * time.Millisecond).Should(HaveOccurred())
	st, err := f.agent.Status(f.ctx)
	f.g.Expect(err).NotTo(HaveOccurred())
	f.g.Expect(st.LB.Partitions).To(ContainElement([2]string{"europe-west1", "us-east1"}))

	f.revert(e)
	f.g.Eventually(func() error {
		_, err := storage.Head(f.ctx, bucket("europe-west1"), key)
		return err
	}).WithTimeout(10*time.Second).WithPolling(250*time.Millisecond).Should(Succeed(), "replication resumes after the partition heals")
	f.g.Expect(storage.Delete(f.ctx, bucket("us-east1"), key)).To(Succeed())
	f.settled()
}

func TestDrainIntegration(t *testing.T) {
	f := newFixture(t)
	s, err := fault.Parse("drain zone=us-east1-a duration=6s")
	f.g.Expect(err).NotTo(HaveOccurred())
	p, err := fault.Prepare(f.ctx, f.target, s)
	f.g.Expect(err).NotTo(HaveOccurred())
	e, err := fault.Run(f.ctx, f.target, p, fault.Hooks{})
	f.g.Expect(err).NotTo(HaveOccurred())
	// minAvailable 4 of 6 allows 2 disruptions; the third eviction is refused
	// until the duration ends because its replacement cannot be scheduled
	// (DoNotSchedule spread with the zone cordoned).
	f.g.Expect(e.Result.Evicted).To(Equal(2))
	f.g.Expect(e.Result.Refused).To(BeNumerically(">=", 1))
	f.g.Expect(e.Result.Remaining).To(HaveLen(1))
	f.g.Expect(e.State).To(Equal(fault.StateReverted))
	f.settled()
}

func TestPodKillIntegration(t *testing.T) {
	f := newFixture(t)
	e := f.inject("pod-kill region=europe-west1")
	f.g.Expect(e.Result.Killed).To(HaveLen(1))
	killed := unqualify(e.Result.Killed[0])
	f.g.Eventually(func(g Gomega) {
		_, err := f.clients["europe-west1"].CoreV1().Pods(f.target.Workload.Namespace).Get(f.ctx, killed, metav1.GetOptions{})
		g.Expect(err).To(HaveOccurred(), "pod %s is gone", killed)
	}).WithTimeout(5 * time.Second).Should(Succeed())
	f.revert(e)
	f.settled()
}

func TestGuardIntegration(t *testing.T) {
	f := newFixture(t)
	// A namespace that did not opt in is refused.
	c := f.clients["europe-west1"]
	patch := func(value string) {
		_, err := c.CoreV1().Namespaces().Patch(f.ctx, f.target.Workload.Namespace, "application/merge-patch+json",
			[]byte(fmt.Sprintf(`{"metadata":{"labels":{%q:%s}}}`, platform.ChaosLabel, value)), metav1.PatchOptions{})
		f.g.Expect(err).NotTo(HaveOccurred())
	}
	patch("null")
	t.Cleanup(func() { patch(`"enabled"`) })
	s, _ := fault.Parse("pod-kill region=europe-west1")
	_, err := fault.Prepare(f.ctx, f.target, s)
	f.g.Expect(errors.Is(err, framework.ErrRefused)).To(BeTrue(), "pod-kill in an unlabelled namespace: %v", err)
	patch(`"enabled"`)

	// An environment gameday did not create is refused unless allow-listed.
	foreign := *f.target
	envCopy := *f.target.Env
	envCopy.CreatedByGameday = false
	foreign.Env = &envCopy
	s, _ = fault.Parse("zone-outage zone=us-east1-a duration=1m")
	_, err = fault.Prepare(f.ctx, &foreign, s)
	f.g.Expect(errors.Is(err, framework.ErrRefused)).To(BeTrue(), "foreign environment: %v", err)
	entries, err := f.target.Journal.List()
	f.g.Expect(err).NotTo(HaveOccurred())
	for _, e := range entries {
		f.g.Expect(e.Spec.Kind).NotTo(BeEmpty())
	}
}
