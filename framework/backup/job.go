package backup

import (
	"context"
	"fmt"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// Job is the intent of a platform's model backup CronJob, done with the S3
// client: it copies the model bucket into the backup bucket, as
//
//	aws s3 sync s3://MODEL-BUCKET s3://BACKUP-BUCKET
//
// does, and writes a manifest of the backup next to it under a dated name.
// The sync copies new and changed objects; the manifest lists every object of
// the backup with its size and SHA-256 and is then copied to its dated name.
type Job struct {
	// Schedule is the CronJob (or other schedule) the job stands for.
	Schedule *Schedule
	// Source is the platform's model bucket, Target its backup bucket.
	Source, Target storage.Bucket
}

// JobRun is one backup run.
type JobRun struct {
	// At is the (virtual) time the run stands for.
	At time.Time `json:"at"`
	// Manifest is what the run wrote.
	Manifest *Manifest `json:"-"`
	// Copied counts objects the sync copied; Objects counts the backup's objects.
	Copied  int `json:"copied"`
	Objects int `json:"objects"`
	// Corrupt lists source objects whose content did not match their
	// checksum; they are not in the backup.
	Corrupt []storage.CorruptObject `json:"corrupt,omitempty"`
	// Duration is the real time the run took.
	Duration time.Duration `json:"duration"`
}

// Run performs one backup stamped at (virtual) time at. A missing target
// bucket is an error wrapping framework.ErrNotFound.
func (j *Job) Run(ctx context.Context, at time.Time) (*JobRun, error) {
	start := time.Now()
	ok, err := storage.BucketExists(ctx, j.Target)
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w", j.name(), err)
	}
	if !ok {
		return nil, fmt.Errorf("backup %s: backup bucket %s does not exist: %w", j.name(), j.Target, framework.ErrNotFound)
	}
	rep, err := storage.Sync(ctx, j.Source, j.Target, storage.SyncOptions{Checksums: true})
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w", j.name(), err)
	}
	m := &Manifest{Format: ManifestFormat, Job: j.name(), Source: j.Source.String(), Target: j.Target.String(), TakenAt: at.UTC()}
	if j.Schedule != nil {
		m.Schedule = j.Schedule.Expr
	}
	for _, o := range rep.Objects {
		if !isManifestKey(o.Key) {
			m.Objects = append(m.Objects, ManifestObject{Key: o.Key, Size: o.Size, SHA256: o.SHA256})
		}
	}
	body, err := m.Encode()
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w", j.name(), err)
	}
	if err := storage.Put(ctx, j.Target, ManifestKey, body, "application/json", map[string]string{storage.MetaSHA256: storage.Checksum(body)}); err != nil {
		return nil, fmt.Errorf("backup %s: write manifest: %w", j.name(), err)
	}
	if err := storage.Copy(ctx, j.Target, ManifestKey, j.Target, DatedManifestKey(at)); err != nil {
		return nil, fmt.Errorf("backup %s: dated manifest: %w", j.name(), err)
	}
	return &JobRun{At: m.TakenAt, Manifest: m, Copied: rep.Copied, Objects: len(m.Objects), Corrupt: rep.Corrupt, Duration: time.Since(start)}, nil
}

func (j *Job) name() string {
	if j.Schedule == nil {
		return "job"
	}
	return j.Schedule.ID()
}
