package backup

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gameday.io/gameday/framework/storage"
)

// Duration is a time.Duration that reads and writes JSON as "5h59m59s".
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Scenario names when the drill loses storage.
type Scenario string

const (
	// ScenarioWorst loses storage just before the backup that ends the
	// schedule's longest gap.
	ScenarioWorst Scenario = "worst-instant"
	// ScenarioRandom loses storage at a seeded random instant.
	ScenarioRandom Scenario = "random-instant"
)

// LostVersion is a published model version no backup held.
type LostVersion struct {
	Key         string    `json:"key"`
	Version     string    `json:"version"`
	PublishedAt time.Time `json:"publishedAt"`
}

// RPOResult is one measured loss-and-restore.
type RPOResult struct {
	Scenario Scenario `json:"scenario"`
	Seed     uint64   `json:"seed"`
	// Schedule is the backup schedule's cron expression; ScheduleName its
	// object (kind namespace/name) and Source the file:line it came from.
	Schedule     string `json:"schedule"`
	ScheduleName string `json:"scheduleName"`
	Source       string `json:"source"`
	// ClockFactor is the configured compression (0: unpaced); Compression is
	// the achieved virtual seconds per real second.
	ClockFactor float64 `json:"clockFactor"`
	Compression float64 `json:"compression"`
	// Buckets are the model bucket lost and restored and the backup bucket;
	// BucketsFrom is where their names were read ("" when the drill was
	// given them).
	Buckets     storage.Buckets `json:"buckets"`
	BucketsFrom string          `json:"bucketsFrom,omitempty"`
	// Window is the backup window the fault fell into: from the last backup
	// that completed before it to the next one (see CompletedWindowAt).
	Window Window `json:"window"`
	// FaultAt is the virtual instant the primary region's storage was lost.
	FaultAt time.Time `json:"faultAt"`
	// BackupDuration is how long a backup counted as taking in virtual time:
	// DrillConfig.BackupDuration, or MeasuredBackupDuration (the longest
	// backup run of the scenario, real time) rounded up to DurationResolution.
	BackupDuration         Duration `json:"backupDuration"`
	MeasuredBackupDuration Duration `json:"measuredBackupDuration"`
	// InProgress is the start of the backup that was running when storage
	// was lost (zero when none was): it never completed and protects nothing.
	InProgress time.Time `json:"backupInProgress,omitempty"`
	// NewestRestored is the publication time of the newest version restored
	// (zero when none was).
	NewestRestored time.Time `json:"newestRestoredVersion"`
	// RPO = FaultAt − NewestRestored (FaultAt − first publication when
	// nothing was restored).
	RPO       Duration `json:"rpo"`
	Objective Duration `json:"objective"`
	Met       bool     `json:"met"`
	// Published counts versions the writer published, BackupsRun the
	// backups that ran before the fault.
	Published  int `json:"published"`
	BackupsRun int `json:"backupsRun"`
	// Lost lists versions published but not restored.
	Lost []LostVersion `json:"lostVersions"`
	// Restored counts objects restored and verified in the DR region.
	Restored int `json:"restoredCount"`
	// Corrupted lists backup objects that failed checksum verification.
	Corrupted []storage.CorruptObject `json:"corruptedObjects"`
	// RestoreDuration is the real time the restore took (it feeds RTO when
	// a restore is on the recovery path); WallTime the scenario's real time.
	RestoreDuration Duration `json:"restoreDuration"`
	WallTime        Duration `json:"wallTime"`
	// Reason says in a sentence why the objective was met or missed.
	Reason string `json:"reason"`
}

// ScheduleGap is a schedule of the fixture with its longest gap.
type ScheduleGap struct {
	Name   string   `json:"name"`
	Expr   string   `json:"expr"`
	Source string   `json:"source"`
	Worst  Duration `json:"worstGap"`
	// BackupDuration is how long its backup takes (0: not known);
	// WorstLoss = Worst + BackupDuration, the most data it can lose.
	BackupDuration Duration `json:"backupDuration"`
	WorstLoss      Duration `json:"worstLoss"`
	// Meets says whether WorstLoss fits the objective; Error why the
	// schedule could not be analysed (then Meets is false).
	Meets bool   `json:"meetsObjective"`
	Error string `json:"error,omitempty"`
}

// RPOReport is a whole drill: each scenario, and every schedule of the file.
type RPOReport struct {
	Objective   Duration      `json:"objective"`
	ClockFactor float64       `json:"clockFactor"`
	Seed        uint64        `json:"seed"`
	Results     []RPOResult   `json:"results"`
	Schedules   []ScheduleGap `json:"schedules,omitempty"`
	Met         bool          `json:"met"`
	WallTime    Duration      `json:"wallTime"`
	// Reason is the first failing scenario's reason, or the worst case's.
	Reason string `json:"reason"`
}

// WriteText renders the report for people.
func (r *RPOReport) WriteText(w io.Writer) error {
	var b strings.Builder
	verdict := "PASS"
	if !r.Met {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "RPO drill: %s (objective %s, clock factor %g, seed %d, wall time %s)\n", verdict, r.Objective, r.ClockFactor, r.Seed, r.WallTime)
	for _, res := range r.Results {
		fmt.Fprintf(&b, "\n%s: RPO %s (%s)\n", res.Scenario, res.RPO, map[bool]string{true: "met", false: "MISSED"}[res.Met])
		fmt.Fprintf(&b, "  schedule        %s %q (%s)\n", res.ScheduleName, res.Schedule, res.Source)
		fmt.Fprintf(&b, "  buckets         %s%s\n", res.Buckets, from(res.BucketsFrom))
		fmt.Fprintf(&b, "  backup window   %s → %s (gap %s)\n", stamp(res.Window.Last), stamp(res.Window.Next), res.Window.Gap)
		fmt.Fprintf(&b, "  backup duration %s counted (%s measured); worst loss %s = gap + duration\n", res.BackupDuration, res.MeasuredBackupDuration, res.Window.WorstLoss)
		fmt.Fprintf(&b, "  storage lost    %s%s\n", stamp(res.FaultAt), inProgress(&res))
		fmt.Fprintf(&b, "  newest restored %s\n", stamp(res.NewestRestored))
		fmt.Fprintf(&b, "  versions        %d published, %d lost, %d objects restored and verified, %d corrupted\n", res.Published, len(res.Lost), res.Restored, len(res.Corrupted))
		for _, c := range res.Corrupted {
			fmt.Fprintf(&b, "    corrupted %s: %s\n", c.Key, c.Reason)
		}
		fmt.Fprintf(&b, "  restore         %s (real), scenario %s (real), compression %.0fx\n", res.RestoreDuration, res.WallTime, res.Compression)
		fmt.Fprintf(&b, "  %s\n", res.Reason)
	}
	if len(r.Schedules) > 0 {
		fmt.Fprintf(&b, "\nschedules in the file (worst loss = longest gap between backups + backup duration):\n")
		for _, s := range r.Schedules {
			if s.Error != "" {
				fmt.Fprintf(&b, "  %-48s %-14q cannot be analysed: %s\n", s.Name, s.Expr, s.Error)
				continue
			}
			fmt.Fprintf(&b, "  %-48s %-14q %-9s = %s + %s %s\n", s.Name, s.Expr, s.WorstLoss, s.Worst, s.BackupDuration, map[bool]string{true: "fits the objective", false: "exceeds the objective"}[s.Meets])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func from(where string) string {
	if where == "" {
		return ""
	}
	return " (from " + where + ")"
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}
