// Package backup measures RPO. It reads backup schedules from the reference
// manifests (the model-registry CronJob, the Velero Schedule) and parses their
// cron expressions with robfig/cron; runs the CronJob's intent — sync
// model-registry to model-registry-backup and write a dated manifest of
// objects and checksums — on a virtual clock that compresses hours of
// operation into seconds; loses the primary region's storage at the worst
// instant of the schedule and at a seeded random one; restores the newest
// backup into the DR region, verifying every object's checksum; and reports
// RPO = fault time − time of the newest restored version, the versions lost
// and how long the restore took.
package backup
