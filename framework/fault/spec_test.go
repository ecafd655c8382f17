package fault

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/topology"
)

func testTopology(t testing.TB) *topology.Topology {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	topo, err := topology.Load(filepath.Join(filepath.Dir(file), "..", "..", "fixtures", "topologies", "two-region.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return topo
}

func TestParseAndValidate(t *testing.T) {
	topo := testTopology(t)
	cases := []struct {
		in      string
		want    Spec // after Validate
		wantErr string
	}{
		{in: "zone-outage zone=us-east1-a duration=2m", want: Spec{Kind: ZoneOutage, Region: "us-east1", Zone: "us-east1-a", Mode: "black-hole", Duration: 2 * time.Minute}},
		{in: "zone-outage zone=us-east1-a mode=refuse duration=2m", want: Spec{Kind: ZoneOutage, Region: "us-east1", Zone: "us-east1-a", Mode: "refuse", Duration: 2 * time.Minute}},
		{in: "node-loss node=europe-west1-b-gpu-2 duration=90s", want: Spec{Kind: NodeLoss, Region: "europe-west1", Node: "europe-west1-b-gpu-2", Mode: "black-hole", Duration: 90 * time.Second}},
		{in: "region-outage region=europe-west1 duration=1m", want: Spec{Kind: RegionOutage, Region: "europe-west1", Mode: "black-hole", Duration: time.Minute}},
		{in: "region-outage mode=refuse duration=1m", want: Spec{Kind: RegionOutage, Region: "us-east1", Mode: "refuse", Duration: time.Minute}},
		{in: "storage-outage duration=1m", want: Spec{Kind: StorageOutage, Region: "us-east1", Mode: "backend-error", Duration: time.Minute}},
		{in: "storage-outage region=europe-west1 mode=cache-timeout duration=1m", want: Spec{Kind: StorageOutage, Region: "europe-west1", Mode: "cache-timeout", Duration: time.Minute}},
		{in: "partition peer=europe-west1 duration=30s", want: Spec{Kind: Partition, Region: "us-east1", Peer: "europe-west1", Duration: 30 * time.Second}},
		{in: "pod-kill", want: Spec{Kind: PodKill, Region: "us-east1", Duration: time.Second}},
		{in: "drain zone=us-east1-b duration=1m", want: Spec{Kind: Drain, Region: "us-east1", Zone: "us-east1-b", Duration: time.Minute}},
		{in: "", wantErr: "empty fault spec"},
		{in: "meteor-strike duration=1m", wantErr: `unknown fault kind "meteor-strike"`},
		{in: "zone-outage zone", wantErr: `"zone" is not key=value`},
		{in: "zone-outage color=red", wantErr: `unknown key "color"`},
		{in: "zone-outage zone=a zone=b", wantErr: "zone given twice"},
		{in: "zone-outage zone=us-east1-a duration=5", wantErr: "has no unit (did you mean 5s?)"},
		{in: "zone-outage zone=us-east1-a duration=-1m", wantErr: "is negative"},
		{in: "zone-outage zone=us-east1-a duration=48h", wantErr: "exceeds the maximum"},
		{in: "zone-outage zone=us-east1-a", wantErr: "a duration is required"},
		{in: "zone-outage zone=us-west1-a duration=1m", wantErr: `zone "us-west1-a" is not in topology`},
		{in: "zone-outage duration=1m", wantErr: "zone-outage needs --zone"},
		{in: "zone-outage region=europe-west1 zone=us-east1-a duration=1m", wantErr: "is in region us-east1, not europe-west1"},
		{in: "node-loss node=nope duration=1m", wantErr: `node "nope" is not in the topology`},
		{in: "node-loss node=us-east1-a-gpu-0 zone=us-east1-b duration=1m", wantErr: "is in zone us-east1-a, not us-east1-b"},
		{in: "partition duration=1m", wantErr: "needs --peer"},
		{in: "partition peer=us-east1 duration=1m", wantErr: "two different regions"},
		{in: "partition peer=us-west1 duration=1m", wantErr: `region "us-west1" is not in topology`},
		{in: "storage-outage mode=flood duration=1m", wantErr: "flood"},
		{in: "node-loss mode=backend-error node=us-east1-a-gpu-0 duration=1m", wantErr: `mode "backend-error": want black-hole (default) or refuse`},
		{in: "zone-outage zone=us-east1-a mode=drop duration=1m", wantErr: `mode "drop": want black-hole (default) or refuse`},
		{in: "partition peer=europe-west1 mode=refuse duration=30s", wantErr: "mode applies to node-loss, region-outage, storage-outage, zone-outage only"},
		{in: "drain duration=1m", wantErr: "drain needs --node or --zone"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			s, err := Parse(c.in)
			if err == nil {
				err = s.Validate(topo)
			}
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, c.wantErr)
				}
				if !errors.Is(err, framework.ErrInvalid) {
					t.Errorf("error %v is not ErrInvalid (the CLI would not exit 2)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s != c.want {
				t.Fatalf("spec = %+v, want %+v", s, c.want)
			}
			// The text form reads back to the same spec.
			again, err := Parse(s.String())
			if err != nil || again != s {
				t.Fatalf("Parse(String()) = %+v, %v; want %+v", again, err, s)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("zone-outage zone=us-east1-a duration=2m")
	f.Add("partition region=us-east1 peer=europe-west1 duration=1h")
	f.Add("storage-outage mode=cache-error duration=10s")
	f.Add("pod-kill pod=x")
	f.Add("drain = ==")
	topo := testTopology(f)
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("Parse(%q) error %v is not ErrInvalid", in, err)
			}
			return
		}
		if err := s.Validate(topo); err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("Validate(%q) error %v is not ErrInvalid", in, err)
			}
			return
		}
		if s.Duration <= 0 || s.Duration > MaxDuration {
			t.Fatalf("valid spec %+v has duration %s", s, s.Duration)
		}
		if _, err := topo.Region(s.Region); err != nil {
			t.Fatalf("valid spec %+v names a region not in the topology", s)
		}
	})
}
