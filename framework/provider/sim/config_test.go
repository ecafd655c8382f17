package sim

import (
	"errors"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
)

func TestRenderConfigRefusesAnEvictionRateKCMCannotRestore(t *testing.T) {
	tm, err := framework.TimeoutsFor(framework.ProfileFast)
	if err != nil {
		t.Fatal(err)
	}
	ports := make([]int, len(portOptions))
	out, err := renderConfig("/bin", ports, tm)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "- key: node-eviction-rate\n    value: \"2\"\n") {
		t.Errorf("the fast profile's eviction rate is not passed on:\n%s", out)
	}
	tm.NodeEvictionRate = 1
	if _, err := renderConfig("/bin", ports, tm); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "node eviction rate 1") {
		t.Fatalf("rate 1: %v, want ErrInvalid naming the rate", err)
	}
}
