package fault_test

import (
	"io/fs"

	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"gameday.io/gameday/fixtures"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/topology"
)

// blackout is a throwaway fault kind defined entirely in this file: adding
// a kind is one file that registers it. It records what the lifecycle asks
// of it.
type blackout struct {
	mu    sync.Mutex
	calls []string
}

func (b *blackout) record(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls = append(b.calls, s)
}

func (b *blackout) Validate(s *fault.Spec, _ *topology.Topology) error {
	return fault.Need(s, s.Zone != "", "--zone")
}

func (b *blackout) Plan(_ context.Context, _ *fault.Target, p *fault.Plan) error {
	b.record("plan " + p.Spec.Zone)
	p.Steps, p.Revert = []string{"turn the lights off in " + p.Spec.Zone}, "turn them on"
	return nil
}

func (b *blackout) Inject(_ context.Context, _ *fault.Target, p *fault.Plan, until time.Time, _ *fault.Result) error {
	b.record("inject until " + until.Sub(time.Now()).Round(time.Minute).String())
	return nil
}

func (b *blackout) Revert(context.Context, *fault.Target, *fault.Plan) error {
	b.record("revert")
	return nil
}

var lights = &blackout{}

func init() {
	fault.Register(fault.Definition{
		Kind: "test-blackout", Help: "a zone's power fails (test kind)", Params: []string{"zone"}, Impl: lights,
		DefaultHold: func(t framework.Timeouts) time.Duration { return 7 * t.Poll },
	})
}

func TestAKindIsOneFile(t *testing.T) {
	if !strings.Contains(fault.Help(), "test-blackout") || !strings.Contains(fault.Help(), "a zone's power fails (test kind) (--zone)") {
		t.Fatalf("help does not list the new kind:\n%s", fault.Help())
	}
	s, err := fault.Parse("test-blackout zone=us-east1-b duration=2m")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fault.Parse("test-blackout peer=europe-west1 duration=2m"); err == nil || !strings.Contains(err.Error(), "peer applies to partition only") {
		t.Fatalf("a parameter the kind does not take: %v", err)
	}
	topo := loadTopology(t)
	if bad := (fault.Spec{Kind: "test-blackout", Duration: time.Minute}); bad.Validate(topo) == nil {
		t.Fatal("the kind's own validation did not run")
	}
	fast, _ := framework.TimeoutsFor(framework.ProfileFast)
	if d, err := fault.DefaultHold("test-blackout", fast); err != nil || d != 7*fast.Poll {
		t.Fatalf("default hold %s, %v", d, err)
	}
	lights.mu.Lock()
	lights.calls = nil // -count=N runs the test again with the same registry
	lights.mu.Unlock()
	target := &fault.Target{
		Env:      &framework.Environment{Name: "t", CreatedByGameday: true, Regions: []framework.Region{{Name: "us-east1"}, {Name: "europe-west1"}}},
		Topology: topo, Timeouts: fast, Journal: fault.Journal{Dir: t.TempDir()},
	}
	p, err := fault.Prepare(context.Background(), target, s)
	if err != nil {
		t.Fatal(err)
	}
	if p.Spec.Region != "us-east1" {
		t.Errorf("region %q: the zone's region was not filled in", p.Spec.Region)
	}
	e, err := fault.Inject(context.Background(), target, p)
	if err != nil {
		t.Fatal(err)
	}
	if j, err := target.Journal.Get(e.ID); err != nil || j.State != fault.StateActive {
		t.Fatalf("journal entry %+v, %v: want active", j, err)
	}
	if _, err := fault.Revert(context.Background(), target, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(lights.calls, "; "); got != "plan us-east1-b; inject until 2m0s; revert" {
		t.Fatalf("calls: %s", got)
	}
}

func loadTopology(t *testing.T) *topology.Topology {
	t.Helper()
	topo, err := topology.Parse("two-region.yaml", mustRead(t))
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func mustRead(t *testing.T) []byte {
	t.Helper()
	b, err := fixtures.FS().(fs.ReadFileFS).ReadFile("topologies/two-region.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
