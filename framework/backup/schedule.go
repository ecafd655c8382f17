package backup

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// Source is where something was read: file and line.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (s Source) String() string {
	if s.Line == 0 {
		return s.File
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// Schedule is a backup schedule found in a manifest.
type Schedule struct {
	// Kind and APIVersion of the object (CronJob batch/v1, Schedule velero.io/v1).
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace,omitempty"`
	// Expr is the cron expression as written.
	Expr string `json:"expr"`
	// TimeZone is a CronJob's spec.timeZone (empty: UTC, or the zone the
	// expression states with CRON_TZ=/TZ=).
	TimeZone string `json:"timeZone,omitempty"`
	// Source is the file and line of the expression.
	Source Source `json:"source"`
	// Buckets are the model bucket the schedule's backup copies and the
	// bucket it copies to: a CronJob's own copy command's source and
	// destination; for a schedule that copies no bucket (a Velero Schedule)
	// those of the file's bucket-copying CronJob, or of the topology. Zero
	// when unknown. BucketsFrom says where they were read.
	Buckets     storage.Buckets `json:"buckets,omitzero"`
	BucketsFrom string          `json:"bucketsFrom,omitempty"`

	cron cron.Schedule
}

// NewSchedule parses expr (standard 5 fields, descriptors such as @hourly,
// an optional CRON_TZ= or TZ= prefix) in timeZone (empty: UTC unless the
// expression states a zone). It fails when the schedule never fires.
func NewSchedule(kind, name, expr, timeZone string, src Source) (*Schedule, error) {
	s := &Schedule{Kind: kind, Name: name, Expr: expr, TimeZone: timeZone, Source: src}
	c, err := ParseCron(expr, timeZone)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", src, kind, name, err)
	}
	s.cron = c
	from := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if s.Next(from).IsZero() {
		return nil, fmt.Errorf("%s: %s %s: schedule %q never fires: %w", src, kind, name, expr, framework.ErrInvalid)
	}
	return s, nil
}

// ParseCron parses a cron expression the way Kubernetes and Velero do
// (robfig/cron's standard parser). An expression without a zone runs in
// timeZone, or UTC when that is empty.
func ParseCron(expr, timeZone string) (c cron.Schedule, err error) {
	e := strings.TrimSpace(expr)
	hasTZ := strings.HasPrefix(e, "TZ=") || strings.HasPrefix(e, "CRON_TZ=")
	// robfig/cron v3.0.1 panics on a zone prefix not followed by a space
	// (found by FuzzParseCron); refuse such input, and any other panic.
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("schedule %q: cannot be parsed (%v): %w", expr, r, framework.ErrInvalid)
		}
	}()
	switch {
	case hasTZ && !strings.Contains(e, " "):
		return nil, fmt.Errorf("schedule %q: a time zone prefix must be followed by a space and the fields: %w", expr, framework.ErrInvalid)
	case hasTZ && timeZone != "":
		return nil, fmt.Errorf("schedule %q states a time zone and timeZone is %q too: %w", expr, timeZone, framework.ErrInvalid)
	case timeZone != "":
		e = "CRON_TZ=" + timeZone + " " + e
	case !hasTZ:
		e = "CRON_TZ=UTC " + e
	}
	c, err = cron.ParseStandard(e)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %v: %w", expr, err, framework.ErrInvalid)
	}
	return c, nil
}

// Next returns the first activation strictly after t, in UTC (zero if none
// within five years).
func (s *Schedule) Next(t time.Time) time.Time {
	n := s.cron.Next(t)
	if n.IsZero() {
		return n
	}
	return n.UTC()
}

// ID is kind namespace/name.
func (s *Schedule) ID() string {
	if s.Namespace == "" {
		return s.Kind + " " + s.Name
	}
	return s.Kind + " " + s.Namespace + "/" + s.Name
}

// String names the schedule, its expression and where it was written.
func (s *Schedule) String() string {
	return fmt.Sprintf("%s schedule %q (%s)", s.ID(), s.Expr, s.Source)
}

// DefaultBuckets gives every schedule of scheds that names no buckets b,
// read from from (e.g. the topology's storage section). Zero b changes
// nothing.
func DefaultBuckets(scheds []*Schedule, b storage.Buckets, from string) {
	if b.IsZero() {
		return
	}
	for _, s := range scheds {
		if s.Buckets.IsZero() {
			s.Buckets, s.BucketsFrom = b, from
		}
	}
}

// shareBuckets gives the schedules that copy no bucket (Velero Schedules)
// the buckets the file's CronJobs copy, when they all copy the same pair.
func shareBuckets(scheds []*Schedule) {
	var from *Schedule
	for _, s := range scheds {
		switch {
		case s.Buckets.IsZero():
		case from == nil:
			from = s
		case from.Buckets != s.Buckets:
			return // several pairs: which one a Velero Schedule backs up is unknown
		}
	}
	if from != nil {
		DefaultBuckets(scheds, from.Buckets, from.BucketsFrom)
	}
}
