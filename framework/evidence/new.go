package evidence

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"gameday.io/gameday/framework"
)

// New starts the evidence of a run that began at start, with the build's
// version and commit (framework.Version, framework.Commit). The caller fills
// in the rest and calls Finalize.
func New(runID string, start time.Time) *Evidence {
	return &Evidence{
		SchemaVersion: SchemaVersion,
		RunID:         runID,
		Start:         start.UTC(),
		Gameday:       Build{Version: framework.Version, Commit: framework.Commit},
		Fixtures:      []FileDigest{},
		Scenarios:     []string{},
		Drills:        []Drill{},
		Findings:      []Finding{},
	}
}

// NewRunID returns a sortable, unique run id: the UTC start time and 6
// random hex digits, "20261128T140512Z-3fa9c1".
func NewRunID(start time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go >= 1.24)
	return start.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// Clone returns a deep copy.
func (e *Evidence) Clone() (*Evidence, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("clone evidence: %w", err)
	}
	var c Evidence
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("clone evidence: %w", err)
	}
	return &c, nil
}

func equalJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && reflect.DeepEqual(ja, jb)
}
