// Package storage is gameday's model storage, spoken over S3 with the AWS SDK
// so the same code talks to real S3/GCS in the existing provider:
//
//   - Server runs one region's S3 server: a versitygw process (built into bin/
//     by `make tools`) on 127.0.0.1 with a posix data directory, generated
//     root credentials and a log file; it dies with its parent.
//   - Cache is the regional model cache: an S3-speaking HTTP server in front
//     of a region's Server that keeps GET/HEAD object responses in memory and
//     passes the rest through with the client's Host, so SigV4 signatures
//     still verify. Its fault switch simulates storage outages.
//   - Replicator copies the primary region's model bucket to the DR region's,
//     like S3 cross-region replication; its partition switch cuts the link
//     between regions.
//   - Buckets names a platform's model and backup buckets; the names come
//     from the platform (its backup job's copy command, or its topology),
//     never from this package.
//   - Seed, PutModel and LoadModel store and load model artifacts with their
//     SHA-256 in object metadata; Sync, List, Get, Put and Copy are the
//     bucket operations the backup package builds on.
//
// Package storagetest starts real servers for other packages' tests.
package storage
