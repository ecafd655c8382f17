package framework

import (
	"fmt"
	"slices"
	"time"
)

// Profile names a set of timings. Every report names the profile it ran with.
type Profile string

const (
	// ProfileProduction uses Kubernetes' default timings and the manifests'
	// probe and outlier-detection timings as written.
	ProfileProduction Profile = "production"
	// ProfileFast shortens control-plane, probe and health-check timings so a
	// drill fits a per-commit CI run.
	ProfileFast Profile = "fast"
)

// DefaultProfile is used when none is given.
const DefaultProfile = ProfileFast

// Profiles lists the known profiles.
func Profiles() []Profile { return []Profile{ProfileProduction, ProfileFast} }

// ParseProfile validates a profile name.
func ParseProfile(s string) (Profile, error) {
	p := Profile(s)
	if !slices.Contains(Profiles(), p) {
		return "", fmt.Errorf("unknown profile %q (want one of %v): %w", s, Profiles(), ErrInvalid)
	}
	return p, nil
}

// Timeouts holds every duration of a profile: control-plane flags, manifest
// scaling, data-plane health checks and the framework's own waits. It is a
// value: copy it, adjust the copy, pass it on.
type Timeouts struct {
	// Control plane (kube-controller-manager, kube-apiserver flags).

	// NodeMonitorPeriod is how often the node lifecycle controller checks nodes.
	NodeMonitorPeriod time.Duration
	// NodeMonitorGracePeriod is how long a node may miss heartbeats before it is NotReady.
	NodeMonitorGracePeriod time.Duration
	// NotReadyToleration and UnreachableToleration are the default tolerations the
	// apiserver adds to pods; after them the taint manager evicts pods of a failed node.
	NotReadyToleration    time.Duration
	UnreachableToleration time.Duration
	// NodeLeaseDuration is the node lease duration kwok renews (every quarter
	// of it) for live nodes. A quarter of it must stay well below a third of
	// NodeMonitorGracePeriod or healthy nodes flap NotReady.
	NodeLeaseDuration time.Duration
	// NodeStatusUpdate is how often a kubelet posts its node's status
	// (nodeStatusUpdateFrequency): a node back from a failure is Ready again
	// only when its kubelet next posts it (kind's real kubelet; the sim
	// holds a returning node's lease this long).
	NodeStatusUpdate time.Duration
	// NodeEvictionRate is how many nodes per second the node lifecycle
	// controller taints for eviction in a healthy zone (--node-eviction-rate).
	// Never exactly 1: kube-controller-manager stops a zone's tainting with
	// a "never" rate limiter whose QPS() reports 1, and restores it only
	// when the wanted rate differs from that QPS, so at 1 a zone that once
	// went through master disruption mode (it does at start-up when the
	// controller sees every node before kwok reports it Ready) never taints
	// a lost node again (see NodeEvictionRateOK).
	NodeEvictionRate float64

	// Manifests.

	// ManifestScale multiplies durations written in the manifests (probe delays
	// and periods, outlier-detection interval and ejection time, alert `for:`).
	// 1 in production.
	ManifestScale float64

	// Data plane.

	// HealthCheckInterval and HealthCheckThreshold drive the global load
	// balancer's DNS-style health checks of each region: a region is unhealthy
	// after Threshold consecutive failed checks, healthy again after Threshold
	// consecutive good ones.
	HealthCheckInterval  time.Duration
	HealthCheckThreshold int
	// ServerStart bounds how long one inference server may take to load its model.
	ServerStart time.Duration

	// Framework waits.

	// ClusterCreate bounds bringing up one region's control plane.
	ClusterCreate time.Duration
	// NodesReady bounds all simulated nodes of a region reporting Ready.
	NodesReady time.Duration
	// PodsReady bounds a Deployment reaching its desired Ready replicas.
	PodsReady time.Duration
	// Teardown bounds deleting an environment.
	Teardown time.Duration
	// Revert bounds reverting one fault, also after the run that injected
	// it was interrupted (a region outage waits for its control plane).
	Revert time.Duration
	// Poll is the interval of every poll-with-deadline loop.
	Poll time.Duration

	// Measurement.

	// StabilityWindow is how long the success ratio must stay above the
	// objective's threshold before RTO is declared over.
	StabilityWindow time.Duration
	// ClockFactor compresses scheduled work (backups) in RPO drills: one real
	// second stands for ClockFactor seconds of operation.
	ClockFactor float64
}

// Scale multiplies a duration written in a manifest by ManifestScale.
func (t Timeouts) Scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) * t.ManifestScale)
}

// TimeoutsFor returns a fresh copy of a profile's timings.
func TimeoutsFor(p Profile) (Timeouts, error) {
	switch p {
	case ProfileProduction:
		return Timeouts{
			NodeMonitorPeriod:      5 * time.Second,
			NodeMonitorGracePeriod: 50 * time.Second,
			NotReadyToleration:     300 * time.Second,
			UnreachableToleration:  300 * time.Second,
			NodeLeaseDuration:      40 * time.Second,
			NodeStatusUpdate:       10 * time.Second,
			NodeEvictionRate:       0.1,
			ManifestScale:          1,
			HealthCheckInterval:    10 * time.Second,
			HealthCheckThreshold:   3,
			ServerStart:            2 * time.Minute,
			ClusterCreate:          3 * time.Minute,
			NodesReady:             3 * time.Minute,
			PodsReady:              10 * time.Minute,
			Teardown:               2 * time.Minute,
			Revert:                 5 * time.Minute,
			Poll:                   time.Second,
			StabilityWindow:        60 * time.Second,
			ClockFactor:            600,
		}, nil
	case ProfileFast:
		return Timeouts{
			NodeMonitorPeriod:      time.Second,
			NodeMonitorGracePeriod: 8 * time.Second,
			NotReadyToleration:     10 * time.Second,
			UnreachableToleration:  10 * time.Second,
			NodeLeaseDuration:      6 * time.Second,
			NodeStatusUpdate:       time.Second,
			NodeEvictionRate:       2,
			ManifestScale:          0.1,
			HealthCheckInterval:    500 * time.Millisecond,
			HealthCheckThreshold:   3,
			ServerStart:            30 * time.Second,
			ClusterCreate:          2 * time.Minute,
			NodesReady:             3 * time.Minute, // a bound, not a wait: a loaded 2-core machine has taken over a minute
			PodsReady:              2 * time.Minute,
			Teardown:               time.Minute,
			Revert:                 3 * time.Minute,
			Poll:                   200 * time.Millisecond,
			StabilityWindow:        5 * time.Second,
			ClockFactor:            7200,
		}, nil
	}
	return Timeouts{}, fmt.Errorf("unknown profile %q: %w", p, ErrInvalid)
}

// MaxLeaseRenewals bounds the node lease renewals per second an environment
// may cost: kwok renews each node's lease every quarter of its duration, and
// at the fast profile's 6 s lease 1,200 simulated nodes would need about 800
// renewals a second, more than two cores sustain (measured: renewals fell
// behind and healthy nodes flapped NotReady).
const MaxLeaseRenewals = 250

// ForNodes returns the timings for an environment of n simulated nodes: when
// the profile's lease would cost more than MaxLeaseRenewals, the lease is
// lengthened to fit and the node monitor grace period with it (a quarter of
// the lease must stay well below a third of the grace period). Every other
// timing is kept.
func (t Timeouts) ForNodes(n int) Timeouts {
	if n <= 0 || t.NodeLeaseDuration <= 0 {
		return t
	}
	renewals := float64(n) * 4 / t.NodeLeaseDuration.Seconds()
	if renewals <= MaxLeaseRenewals {
		return t
	}
	lease := time.Duration(float64(n)*4/MaxLeaseRenewals*float64(time.Second)).Round(time.Second) + time.Second
	t.NodeLeaseDuration = lease
	t.NodeMonitorGracePeriod = max(t.NodeMonitorGracePeriod, lease)
	return t
}

// NodeEvictionRateOK reports whether kube-controller-manager can restore an
// eviction rate of r after it stopped evictions: any positive rate but 1
// (client-go's never-limiter reports QPS 1, and the node lifecycle
// controller's SwapLimiter skips a swap to an equal QPS).
func NodeEvictionRateOK(r float64) bool { return r > 0 && float32(r) != 1 }

// RevertTimeout is Revert, or the default profile's when t leaves it zero
// (a Timeouts built by hand in a test).
func (t Timeouts) RevertTimeout() time.Duration {
	if t.Revert > 0 {
		return t.Revert
	}
	d, _ := TimeoutsFor(DefaultProfile)
	return d.Revert
}
