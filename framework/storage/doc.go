// Package storage is gameday's model storage: a real S3-compatible server per
// region on loopback (versitygw in sim), a regional model cache in front of it,
// cross-region replication of the model registry, and the S3 client every other
// package uses, so the same code talks to real S3/GCS in the existing provider.
package storage
