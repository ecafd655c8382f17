// Package app is the application layer of the gameday CLI. It runs the drill suites the way `gameday run` does: it brings
// an environment up (or uses one from `gameday up`), executes each compiled
// Ginkgo suite binary (bin/suites/NAME.test) against it, merges Ginkgo's
// JUnit and JSON reports, collects every drill's evidence from the report
// entries, and writes the signed report bundle. The environment is torn down
// afterwards, also when a drill fails or the run is interrupted, unless the
// caller retains it.
package app
