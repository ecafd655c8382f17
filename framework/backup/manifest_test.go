package backup

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

func validManifest() *Manifest {
	return &Manifest{
		Format: ManifestFormat, Job: "CronJob ml-serving/model-registry-backup", Schedule: "0 */6 * * *",
		Source: "http://127.0.0.1:1/model-registry", Target: "http://127.0.0.1:2/model-registry-backup",
		TakenAt: utc("2024-01-15T06:00:00Z"),
		Objects: []ManifestObject{{Key: "models/default/model.json", Size: 5, SHA256: storage.Checksum([]byte("hello"))}},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m := validManifest()
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseManifest(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.TakenAt != m.TakenAt || len(got.Objects) != 1 || got.Objects[0] != m.Objects[0] || got.Job != m.Job {
		t.Errorf("round trip: %+v", got)
	}
	if k := DatedManifestKey(time.Date(2024, 1, 15, 23, 0, 0, 0, time.FixedZone("x", 5*3600))); k != "manifest-20240115.json" {
		t.Errorf("dated key %s (the date is UTC's)", k)
	}
}

func TestParseManifestRejects(t *testing.T) {
	mutate := func(f func(*Manifest)) string {
		m := validManifest()
		f(m)
		b, _ := m.Encode()
		return string(b)
	}
	cases := []struct{ name, json, want string }{
		{"not json", "{", "unexpected EOF"},
		{"unknown field", `{"format":1,"takenAt":"2024-01-15T06:00:00Z","extra":1}`, "unknown field"},
		{"trailing data", mutate(func(*Manifest) {}) + "{}", "after the object"},
		{"format", mutate(func(m *Manifest) { m.Format = 2 }), "format 2"},
		{"no time", mutate(func(m *Manifest) { m.TakenAt = time.Time{} }), "takenAt"},
		{"no key", mutate(func(m *Manifest) { m.Objects[0].Key = "" }), "no key"},
		{"duplicate", mutate(func(m *Manifest) { m.Objects = append(m.Objects, m.Objects[0]) }), "repeats"},
		{"negative size", mutate(func(m *Manifest) { m.Objects[0].Size = -1 }), "size -1"},
		{"short sha", mutate(func(m *Manifest) { m.Objects[0].SHA256 = "abc" }), "64 hex"},
		{"upper-case sha", mutate(func(m *Manifest) { m.Objects[0].SHA256 = strings.ToUpper(m.Objects[0].SHA256) }), "64 hex"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tc.json))
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

func TestIsManifestKey(t *testing.T) {
	for key, want := range map[string]bool{
		"manifest.json": true, "manifest-20240115.json": true,
		"models/manifest.json": false, "models/manifest-1.json": false, "manifest-x.txt": false, "models/default/model.json": false,
	} {
		if got := isManifestKey(key); got != want {
			t.Errorf("isManifestKey(%q) = %v", key, got)
		}
	}
}

func FuzzParseManifest(f *testing.F) {
	b, _ := validManifest().Encode()
	f.Add(b)
	f.Add([]byte(`{"format":1,"takenAt":"2024-01-15T06:00:00Z","objects":[]}`))
	f.Add([]byte(`{"format":1,"takenAt":"2024-01-15T06:00:00Z","objects":[{"key":"a","size":0,"sha256":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		out, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseManifest(out)
		if err != nil {
			t.Fatalf("re-encoded manifest rejected: %v", err)
		}
		if len(again.Objects) != len(m.Objects) || !again.TakenAt.Equal(m.TakenAt) {
			t.Fatalf("round trip changed the manifest")
		}
	})
}
