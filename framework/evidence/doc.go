// Package evidence is the versioned schema of a drill run's evidence: what
// ran (gameday version and commit, profile, topology, the SHA-256 of every
// fixture file), what was done (faults with inject and revert times, load per
// phase, a timeline), what was measured (objectives with target, achieved
// value, unit, met and the measurement method), what was found, the verdict,
// and the game-day record compliance asks for (participants, approver
// sign-off, issues, remediation items with owner and due date, next drill).
//
// The types are plain data with JSON tags; evidence.json is their encoding.
// Nothing here imports the packages that measure: framework/load, measure
// and backup results are mapped into these types by the caller, so the schema
// changes only when SchemaVersion does.
//
// Helpers: New starts a record with the build's version; Finalize evaluates
// objectives and computes verdicts; Validate names the first bad field;
// HashFiles digests fixtures; Redactor keeps secrets from fixtures out of the
// record; Decode and ReadFile parse evidence.json, ReadGameDay a game-day file.
package evidence
