package backup

import (
	"errors"
	"strings"
	"testing"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/topology"
)

func platformOf(t *testing.T, yaml string) *fixtures.Platform {
	t.Helper()
	objs, err := fixtures.Decode("p.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return fixtures.NewPlatform(objs)
}

func topoWith(model, backup string) *topology.Topology {
	return &topology.Topology{File: "t.yaml", Storage: topology.Storage{ModelBucket: model, BackupBucket: backup}}
}

const noCopy = `apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: team}
spec:
  schedule: "@daily"
  jobTemplate: {spec: {template: {spec: {containers: [{name: c, command: [sh, -c, "make report"]}]}}}}
`

func TestPlatformBuckets(t *testing.T) {
	embedded := map[string]func() (*fixtures.Platform, error){"reference": fixtures.Reference, "remediated": fixtures.Remediated, "second": fixtures.Second}
	for name, want := range map[string]struct {
		b    storage.Buckets
		from string
	}{
		"reference":  {storage.Buckets{Model: "model-registry", Backup: "model-registry-backup"}, "reference/backup.yaml:48 CronJob ml-serving/model-registry-backup spec.jobTemplate.spec.template.spec.containers[0].command[2]"},
		"remediated": {storage.Buckets{Model: "model-registry", Backup: "model-registry-backup"}, "remediated/backup.yaml:62 CronJob ml-serving/model-registry-backup"},
		"second":     {storage.Buckets{Model: "recsys-models", Backup: "recsys-models-dr"}, "second/backup.yaml:30 CronJob recsys/model-artifact-sync"},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := embedded[name]()
			if err != nil {
				t.Fatal(err)
			}
			b, from, err := PlatformBuckets(p, nil)
			if err != nil || b != want.b || !strings.Contains(from, want.from) {
				t.Errorf("got %+v from %q (%v), want %+v from %q", b, from, err, want.b, want.from)
			}
			// A topology naming the same buckets agrees; other buckets conflict.
			if b2, _, err := PlatformBuckets(p, topoWith(want.b.Model, want.b.Backup)); err != nil || b2 != want.b {
				t.Errorf("agreeing topology: %+v, %v", b2, err)
			}
			_, _, err = PlatformBuckets(p, topoWith("other-models", "other-backup"))
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "topology t.yaml storage.modelBucket") || !strings.Contains(err.Error(), want.b.Model) {
				t.Errorf("conflicting topology: %v", err)
			}
		})
	}

	t.Run("no copy, topology names them", func(t *testing.T) {
		b, from, err := PlatformBuckets(platformOf(t, noCopy), topoWith("topo-models", "topo-backup"))
		if err != nil || b != (storage.Buckets{Model: "topo-models", Backup: "topo-backup"}) || !strings.HasPrefix(from, "topology t.yaml") {
			t.Errorf("got %+v from %q, %v", b, from, err)
		}
	})
	t.Run("neither says", func(t *testing.T) {
		_, _, err := PlatformBuckets(platformOf(t, noCopy), &topology.Topology{File: "t.yaml"})
		for _, want := range []string{"not known", "CronJob team/report", "aws s3 sync s3://SOURCE s3://DESTINATION", JobContainersField, "topology t.yaml sets no storage.modelBucket"} {
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), want) {
				t.Errorf("got %v, want an ErrInvalid containing %q", err, want)
			}
		}
		if _, _, err := PlatformBuckets(&fixtures.Platform{}, nil); err == nil || !strings.Contains(err.Error(), "the platform has no CronJob that runs") {
			t.Errorf("no CronJob at all: %v", err)
		}
	})
	t.Run("several pairs", func(t *testing.T) {
		p := platformOf(t, twoPairs)
		_, _, err := PlatformBuckets(p, nil)
		for _, want := range []string{"several pairs", "models-a → backup-a (p.yaml:6 CronJob one", "models-b → backup-b", "storage.modelBucket"} {
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), want) {
				t.Errorf("got %v, want an ErrInvalid containing %q", err, want)
			}
		}
		b, from, err := PlatformBuckets(p, topoWith("models-b", "backup-b"))
		if err != nil || b.Model != "models-b" || !strings.Contains(from, "CronJob two") {
			t.Errorf("topology picks one: %+v from %q, %v", b, from, err)
		}
	})
	t.Run("bad copy command", func(t *testing.T) {
		_, _, err := PlatformBuckets(platformOf(t, strings.Replace(noCopy, "make report", "aws s3 sync s3://$B s3://backup", 1)), nil)
		if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "p.yaml:1: CronJob team/report") {
			t.Errorf("got %v", err)
		}
	})
}
