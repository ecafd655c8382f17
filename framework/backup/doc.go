// Package backup measures RPO. It reads a platform's backup schedules from its
// manifests (CronJobs, Velero Schedules) and parses their cron expressions
// with robfig/cron; finds the model bucket and the backup bucket in the copy
// command a CronJob runs (its source and destination), or takes them from the
// topology; runs the CronJob's intent — sync the model bucket to the backup
// bucket and write a dated manifest of objects and checksums — on a virtual
// clock that compresses hours of operation into seconds; loses the primary
// region's storage at the worst instant of the schedule and at a seeded random
// one; restores the newest backup into the DR region, verifying every object's
// checksum; and reports RPO = fault time − time of the newest restored
// version, the versions lost and how long the restore took.
package backup
