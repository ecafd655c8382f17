package evidence

import (
	"slices"
	"time"
)

// SchemaVersion names this schema; it is the first field of evidence.json.
// A change that removes or redefines a field gets a new version.
const SchemaVersion = "gameday.io/evidence/v1"

// Verdict is the outcome of a drill or a run.
type Verdict string

const (
	// VerdictPass: every objective was measured and met, and nothing errored.
	VerdictPass Verdict = "pass"
	// VerdictFail: an objective was missed or could not be measured, or the
	// drill (or run) errored.
	VerdictFail Verdict = "fail"
	// VerdictInterrupted: the run was stopped (Ctrl-C, SIGTERM, a timeout)
	// before it finished; what it could not measure is "not measured".
	VerdictInterrupted Verdict = "interrupted"
	// VerdictHarnessFailed: gameday's own harness failed (a process it
	// started died or stopped answering, the load stalled); nothing after
	// that instant is evidence about the system under test.
	VerdictHarnessFailed Verdict = "harness-failed"
)

// Verdicts lists the valid verdicts, from best to worst: a run's verdict is
// the worst of its own and its drills'.
func Verdicts() []Verdict {
	return []Verdict{VerdictPass, VerdictFail, VerdictInterrupted, VerdictHarnessFailed}
}

// worse returns the worse of two verdicts (Verdicts order).
func worse(a, b Verdict) Verdict {
	if slices.Index(Verdicts(), b) > slices.Index(Verdicts(), a) {
		return b
	}
	return a
}

// Evidence is everything one run of gameday proves, as plain data.
type Evidence struct {
	// SchemaVersion is SchemaVersion.
	SchemaVersion string `json:"schemaVersion"`
	// RunID identifies the run (see NewRunID).
	RunID string `json:"runID"`
	// Start and End are UTC wall-clock times of the run.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Gameday is the build that ran.
	Gameday Build `json:"gameday"`
	// Profile is the timing profile (framework.Profile): production or fast.
	Profile string `json:"profile"`
	// Environment names the environment and its provider (sim, kind, existing).
	Environment Environment `json:"environment"`
	// Topology is the topology the environment was built from.
	Topology Topology `json:"topology"`
	// Fixtures are the SHA-256 digests of every fixture file used, by path.
	Fixtures []FileDigest `json:"fixtures"`
	// Scenarios lists the scenarios run, in order.
	Scenarios []string `json:"scenarios"`
	// Drills are the drills run, in order.
	Drills []Drill `json:"drills"`
	// Findings are run-level observations (drills have their own).
	Findings []Finding `json:"findings"`
	// Error is why the run itself failed, if it did (a drill's own error is
	// in the drill).
	Error string `json:"error,omitempty"`
	// Aborted says why the run stopped early (interrupted, or its harness
	// failed outside a drill), nil when it ran to the end.
	Aborted *Abort `json:"aborted,omitempty"`
	// Verdict is fail when any drill failed or the run errored,
	// interrupted or harness-failed when it or a drill stopped early
	// (the worst of these wins; Finalize).
	Verdict Verdict `json:"verdict"`
	// GameDay holds the compliance record of a game day; nil for unattended
	// runs (nightly CI).
	GameDay *GameDay `json:"gameDay,omitempty"`
	// SampleData marks evidence built from constructed data (documentation,
	// tests) rather than from a drill; reports label it so.
	SampleData bool `json:"sampleData,omitempty"`
}

// Build identifies the gameday binary (framework.Version, framework.Commit).
type Build struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
}

// Environment is where the run happened.
type Environment struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	// Regions in topology order.
	Regions []string `json:"regions,omitempty"`
}

// Topology names the topology and pins its file.
type Topology struct {
	Name string `json:"name"`
	// File is the topology file's path as given (or its embedded name).
	File string `json:"file"`
	// SHA256 is the hex digest of the file's bytes.
	SHA256 string `json:"sha256"`
}

// FileDigest pins one file.
type FileDigest struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Finding is an observation with a severity: a defect found in the platform
// or its manifests, a surprise during a drill.
type Finding struct {
	// ID is a stable rule or finding id (e.g. "rpo-backup-interval").
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Evidence is what shows it: a measurement, a file:line, an excerpt.
	Evidence string `json:"evidence,omitempty"`
}

// Severity of a finding.
type Severity string

const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Severities lists the valid severities, mildest first.
func Severities() []Severity { return []Severity{SeverityInfo, SeverityWarning, SeverityError} }
