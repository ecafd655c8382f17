package evidence_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
)

func TestDecodeRoundTrip(t *testing.T) {
	want := evidencetest.Failing()
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := evidence.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("decoded evidence differs from the encoded")
	}
}

func TestDecodeRejects(t *testing.T) {
	good, err := json.Marshal(evidencetest.Passing())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data, want string
	}{
		{"not json", "evidence", "not JSON"},
		{"other schema", `{"schemaVersion":"gameday.io/evidence/v2"}`, `schemaVersion "gameday.io/evidence/v2" is not supported`},
		{"unknown field", strings.Replace(string(good), `"profile"`, `"profil":"x","profile"`, 1), `unknown field "profil"`},
		{"trailing data", string(good) + "{}", "after top-level value"},
		{"invalid", strings.Replace(string(good), `"runID":"20261128T140000Z-5a3c1e"`, `"runID":""`, 1), "field runID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := evidence.Decode(strings.NewReader(tt.data))
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode() = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	_, err := evidence.ReadFile(filepath.Join(t.TempDir(), "evidence.json"))
	if !errors.Is(err, framework.ErrNotFound) {
		t.Errorf("missing file: %v, want ErrNotFound", err)
	}
	path := filepath.Join(t.TempDir(), "evidence.json")
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := evidence.ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("bad file: %v, want an error naming %s", err, path)
	}
}

const gameDayYAML = `title: Q4 game day
participants:
- {name: Amina Haddad, role: incident commander}
issues:
- {id: GD-1, title: DR region lacks capacity, severity: error, drill: region-failover}
remediation:
- {id: R-1, title: Scale europe-west1, owner: Jonas Berg, due: "2026-12-12", issue: GD-1}
nextDrill: "2027-02-24"
`

func TestParseGameDay(t *testing.T) {
	g, err := evidence.ParseGameDay([]byte(gameDayYAML))
	if err != nil {
		t.Fatal(err)
	}
	if g.Remediation[0].Owner != "Jonas Berg" || g.NextDrill != "2027-02-24" || len(g.Participants) != 1 {
		t.Errorf("parsed %+v", g)
	}
	tests := []struct {
		name, data, want string
	}{
		{"no owner", strings.Replace(gameDayYAML, "owner: Jonas Berg, ", "", 1), "remediation[0].owner"},
		{"no due date", strings.Replace(gameDayYAML, `due: "2026-12-12", `, "", 1), "remediation[0].due"},
		{"bad due date", strings.Replace(gameDayYAML, `"2026-12-12"`, `"12/12/2026"`, 1), "remediation[0].due"},
		{"unknown field", gameDayYAML + "approver: me\n", `unknown field "approver"`},
		{"sign-off in the file", gameDayYAML + "signOff: {approver: me, at: 2026-11-28T00:00:00Z}\n", "gameday report sign"},
		{"not yaml", "participants: [", "yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := evidence.ParseGameDay([]byte(tt.data))
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseGameDay() = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestReadGameDayNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gameday.yaml")
	if err := os.WriteFile(path, []byte("nextDrill: soon\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := evidence.ReadGameDay(path)
	if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "nextDrill") {
		t.Errorf("ReadGameDay() = %v, want ErrInvalid naming the file and nextDrill", err)
	}
}

func FuzzDecode(f *testing.F) {
	good, err := json.Marshal(evidencetest.Failing())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"schemaVersion":"gameday.io/evidence/v1"}`))
	f.Add([]byte(`{"schemaVersion":"gameday.io/evidence/v1","runID":"r","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z","profile":"fast","verdict":"pass","drills":[{"name":"d","verdict":"pass","objectives":[{"name":"o","comparison":"<=","target":1,"achieved":null,"unit":"s","met":false,"method":"m"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := evidence.Decode(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		// What decodes validates, and survives a round trip.
		if err := ev.Validate(); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := evidence.Decode(bytes.NewReader(b)); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

func FuzzParseGameDay(f *testing.F) {
	f.Add([]byte(gameDayYAML))
	f.Add([]byte(`{"participants":[{"name":"a"}],"nextDrill":"2027-01-01"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := evidence.ParseGameDay(data)
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if g.SignOff != nil {
			t.Fatal("a sign-off was read from a game-day file")
		}
		for _, r := range g.Remediation {
			if r.Owner == "" || r.Due == "" {
				t.Fatalf("remediation item without owner or due date accepted: %+v", r)
			}
		}
	})
}
