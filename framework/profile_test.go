package framework

import (
	"testing"
	"time"
)

func TestForNodesBoundsLeaseRenewals(t *testing.T) {
	fast, _ := TimeoutsFor(ProfileFast)
	for _, n := range []int{12, 120, 375, 600, 1200, 6000} {
		got := fast.ForNodes(n)
		renewals := float64(n) * 4 / got.NodeLeaseDuration.Seconds()
		if renewals > MaxLeaseRenewals {
			t.Errorf("%d nodes: %.0f renewals/s with a %s lease, want at most %d", n, renewals, got.NodeLeaseDuration, MaxLeaseRenewals)
		}
		if got.NodeLeaseDuration/4 > got.NodeMonitorGracePeriod/3 {
			t.Errorf("%d nodes: lease %s too long for grace %s (nodes would flap)", n, got.NodeLeaseDuration, got.NodeMonitorGracePeriod)
		}
		if got.UnreachableToleration != fast.UnreachableToleration || got.ManifestScale != fast.ManifestScale {
			t.Errorf("%d nodes: other timings changed", n)
		}
	}
	if small := fast.ForNodes(12); small != fast {
		t.Errorf("a small environment keeps the profile's timings: %+v", small)
	}
	if big := fast.ForNodes(1200); big.NodeLeaseDuration < 19*time.Second {
		t.Errorf("1200 nodes: lease %s", big.NodeLeaseDuration)
	}
}

// TestProfilesEvictAfterDisruptionMode: every profile's node eviction rate
// is one kube-controller-manager can restore after master disruption mode.
func TestProfilesEvictAfterDisruptionMode(t *testing.T) {
	for _, p := range Profiles() {
		tm, err := TimeoutsFor(p)
		if err != nil {
			t.Fatal(err)
		}
		if !NodeEvictionRateOK(tm.NodeEvictionRate) {
			t.Errorf("profile %s: node eviction rate %v would stop taint-based eviction for good after a disruption", p, tm.NodeEvictionRate)
		}
	}
	for r, ok := range map[float64]bool{1: false, 0: false, -1: false, 0.1: true, 2: true} {
		if NodeEvictionRateOK(r) != ok {
			t.Errorf("NodeEvictionRateOK(%v) = %v", r, !ok)
		}
	}
}
