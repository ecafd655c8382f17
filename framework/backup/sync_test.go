package backup

import (
	"errors"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// cronJob is a CronJob whose one container runs command and args with env.
func cronJob(command, args []string, env ...corev1.EnvVar) *batchv1.CronJob {
	cj := &batchv1.CronJob{}
	cj.Name, cj.Namespace = "copy", "team"
	cj.Spec.JobTemplate.Spec.Template.Spec.Containers = []corev1.Container{{Name: "c", Command: command, Args: args, Env: env}}
	return cj
}

func sh(script string) []string { return []string{"/bin/sh", "-c", script} }

func TestCronJobSyncs(t *testing.T) {
	const c0 = JobContainersField + "[0]"
	cases := []struct {
		name    string
		cj      *batchv1.CronJob
		want    storage.Buckets
		field   string
		line    int
		noSync  bool
		wantErr string
	}{
		{name: "script with continuation and a second copy within the backup",
			cj:   cronJob(sh("set -eu\naws s3 sync s3://team-models s3://team-models-bak \\\n  --storage-class GLACIER_IR\naws s3 cp s3://team-models-bak/m.json s3://team-models-bak/m-1.json\n"), nil),
			want: storage.Buckets{Model: "team-models", Backup: "team-models-bak"}, field: c0 + ".command[2]", line: 1},
		{name: "shell script in args", cj: cronJob([]string{"bash"}, []string{"-ec", "echo start && aws s3 sync --delete s3://a-models/prefix/ s3://b-backup/prefix/"}),
			want: storage.Buckets{Model: "a-models", Backup: "b-backup"}, field: c0 + ".args[1]"},
		{name: "argv without a shell", cj: cronJob([]string{"aws", "s3", "sync"}, []string{"s3://src-bucket", "s3://dst-bucket", "--only-show-errors"}),
			want: storage.Buckets{Model: "src-bucket", Backup: "dst-bucket"}, field: c0 + ".command"},
		{name: "quoted names and env variables", cj: cronJob(sh(`aws s3 sync "s3://${SRC}" 's3://$DST/'`), nil, corev1.EnvVar{Name: "SRC", Value: "env-models"}, corev1.EnvVar{Name: "DST", Value: "env-backup"}),
			want: storage.Buckets{Model: "env-models", Backup: "env-backup"}, field: c0 + ".command[2]"},
		{name: "gsutil", cj: cronJob(sh("gsutil -m rsync -r gs://gcs-models gs://gcs-models-dr"), nil),
			want: storage.Buckets{Model: "gcs-models", Backup: "gcs-models-dr"}, field: c0 + ".command[2]"},
		{name: "to a local directory", cj: cronJob(sh("aws s3 sync s3://models /data"), nil), noSync: true},
		{name: "not a copy", cj: cronJob(sh("pg_dump db > /tmp/x && echo s3://a s3://b"), nil), noSync: true},
		{name: "variable from a secret", cj: cronJob(sh("aws s3 sync s3://$SRC s3://backup-bucket"), nil, corev1.EnvVar{Name: "SRC", ValueFrom: &corev1.EnvVarSource{}}),
			wantErr: `CronJob team/copy: ` + c0 + `.command[2]: "aws s3 sync s3://$SRC s3://backup-bucket": model bucket: bucket name "${SRC}"`},
		{name: "into itself", cj: cronJob(sh("aws s3 sync s3://models/a s3://models/b"), nil),
			wantErr: `model and backup bucket are both "models"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			syncs, err := CronJobSyncs(tc.cj)
			if tc.wantErr != "" {
				if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an ErrInvalid containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.noSync {
				if len(syncs) != 0 {
					t.Fatalf("found %+v in a job that copies no bucket", syncs)
				}
				return
			}
			if len(syncs) != 1 {
				t.Fatalf("found %d copies (%+v), want 1", len(syncs), syncs)
			}
			if s := syncs[0]; s.Buckets != tc.want || s.Field != tc.field || s.Line != tc.line {
				t.Errorf("got %+v at %s line %d, want %+v at %s line %d", s.Buckets, s.Field, s.Line, tc.want, tc.field, tc.line)
			}
		})
	}
}

func TestSchedulesBuckets(t *testing.T) {
	for _, tc := range []struct {
		file, from string
		want       storage.Buckets
	}{
		{referenceBackup, "reference/backup.yaml:48 spec.jobTemplate.spec.template.spec.containers[0].command[2]", storage.Buckets{Model: "model-registry", Backup: "model-registry-backup"}},
		{"../../fixtures/remediated/backup.yaml", "remediated/backup.yaml:62 ", storage.Buckets{Model: "model-registry", Backup: "model-registry-backup"}},
		{"../../fixtures/second/backup.yaml", "second/backup.yaml:30 ", storage.Buckets{Model: "recsys-models", Backup: "recsys-models-dr"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			scheds, err := ScheduleFromFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(scheds) != 2 {
				t.Fatalf("%d schedules", len(scheds))
			}
			// Every schedule, the Velero one too, drills the CronJob's buckets.
			for _, s := range scheds {
				if s.Buckets != tc.want || !strings.Contains(s.BucketsFrom, tc.from) {
					t.Errorf("%s: buckets %+v from %q, want %+v from %q", s.ID(), s.Buckets, s.BucketsFrom, tc.want, tc.from)
				}
			}
		})
	}
}

const twoPairs = `apiVersion: batch/v1
kind: CronJob
metadata: {name: one}
spec:
  schedule: "@hourly"
  jobTemplate: {spec: {template: {spec: {containers: [{name: c, command: [sh, -c, "aws s3 sync s3://models-a s3://backup-a"]}]}}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: two}
spec:
  schedule: "@daily"
  jobTemplate: {spec: {template: {spec: {containers: [{name: c, command: [sh, -c, "aws s3 sync s3://models-b s3://backup-b"]}]}}}}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: cluster}
spec: {schedule: "0 3 * * *"}
`

func TestSchedulesBucketsAmbiguous(t *testing.T) {
	scheds, err := SchedulesFromYAML([]byte(twoPairs), "two.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if scheds[0].Buckets.Model != "models-a" || scheds[1].Buckets.Model != "models-b" {
		t.Errorf("each CronJob drills its own buckets: %+v, %+v", scheds[0].Buckets, scheds[1].Buckets)
	}
	if !scheds[2].Buckets.IsZero() {
		t.Errorf("the Velero Schedule got %+v although two pairs are copied", scheds[2].Buckets)
	}
	// The drill refuses it, naming the schedule and what it looked for.
	_, err = DrillConfig{Schedule: scheds[2], Primary: offlineStore(t), DR: offlineStore(t)}.withDefaults(t.Context())
	for _, want := range []string{"Schedule cluster: no buckets to drill", "CronJobs of two.yaml do not copy exactly one pair", "aws s3 sync s3://SOURCE s3://DESTINATION", "storage.modelBucket"} {
		if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want an ErrInvalid containing %q", err, want)
		}
	}
	// A CronJob that copies nothing says so.
	_, err = DrillConfig{Schedule: mustSchedule(t, "@hourly", ""), Primary: offlineStore(t), DR: offlineStore(t)}.withDefaults(t.Context())
	if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), "CronJob test: no buckets to drill: its job runs no `aws s3 sync") || !strings.Contains(err.Error(), JobContainersField) {
		t.Errorf("CronJob without a copy: %v", err)
	}
	DefaultBuckets(scheds, storage.Buckets{Model: "topo-models", Backup: "topo-backup"}, "topology t.yaml")
	if scheds[2].Buckets.Model != "topo-models" || scheds[2].BucketsFrom != "topology t.yaml" || scheds[0].Buckets.Model != "models-a" {
		t.Errorf("DefaultBuckets: %+v, %+v", scheds[2], scheds[0])
	}
	cfg, err := DrillConfig{Schedule: scheds[2], Primary: offlineStore(t), DR: offlineStore(t)}.withDefaults(t.Context())
	if err != nil || cfg.Registry != "topo-models" || cfg.BackupBucket != "topo-backup" {
		t.Errorf("drill buckets %q %q, %v", cfg.Registry, cfg.BackupBucket, err)
	}
}

// offlineStore is a store on a closed port: the tests using it send nothing.
func offlineStore(t *testing.T) storage.Store {
	t.Helper()
	st, err := storage.NewStore(storage.Endpoint{URL: "http://127.0.0.1:1", AccessKey: "a", SecretKey: "b", PathStyle: true}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func FuzzCronJobSyncs(f *testing.F) {
	f.Add("aws s3 sync s3://a-models s3://b-backup \\\n --delete")
	f.Add("gsutil rsync gs://x/ gs://y/z && aws s3 sync s3://$V s3://w")
	f.Add("\\\n\\")
	f.Fuzz(func(t *testing.T, script string) {
		syncs, err := CronJobSyncs(cronJob(sh(script), nil))
		if err != nil {
			if !errors.Is(err, framework.ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		for _, s := range syncs {
			if err := s.Buckets.Validate(); err != nil || s.Line < 0 || s.Line > strings.Count(script, "\n") {
				t.Fatalf("returned %+v (%v)", s, err)
			}
		}
	})
}
