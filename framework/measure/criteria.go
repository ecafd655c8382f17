package measure

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework"
)

// The reference architecture's objectives.
const (
	// DefaultRTO is the runbook's recovery time objective.
	DefaultRTO = 30 * time.Minute
	// DefaultRPO is the runbook's recovery point objective (used by RPO drills).
	DefaultRPO = time.Hour
	// DefaultSuccessThreshold is the success ratio the load must hold for the
	// service to count as up.
	DefaultSuccessThreshold = 0.99
	// DefaultFailoverShare is the share of traffic the DR region must serve
	// for failover to count as done.
	DefaultFailoverShare = 0.9
	// DefaultAlertToFailover is how long the platform's automation may take
	// from the alert that starts the runbook to traffic in the DR region, as
	// written for production (scaled by the profile).
	DefaultAlertToFailover = 5 * time.Minute
)

// Criteria hold the thresholds a drill's measurements use. Build them with NewCriteria,
// which takes the stability window from the timing profile.
type Criteria struct {
	RTO              time.Duration `json:"rto"`
	RPO              time.Duration `json:"rpo"`
	SuccessThreshold float64       `json:"successThreshold"`
	FailoverShare    float64       `json:"failoverShare"`
	// StabilityWindow is how long the success ratio (or the failover share)
	// must hold before recovery (or failover) counts: framework.Timeouts.StabilityWindow.
	StabilityWindow time.Duration `json:"stabilityWindow"`
	// AlertToFailover bounds the time from the runbook's alert to failover:
	// DefaultAlertToFailover scaled by the profile.
	AlertToFailover time.Duration `json:"alertToFailover"`
}

// NewCriteria returns the default thresholds with the profile's stability window.
func NewCriteria(t framework.Timeouts) Criteria {
	return Criteria{
		RTO:              DefaultRTO,
		RPO:              DefaultRPO,
		SuccessThreshold: DefaultSuccessThreshold,
		FailoverShare:    DefaultFailoverShare,
		StabilityWindow:  t.StabilityWindow,
		AlertToFailover:  t.Scale(DefaultAlertToFailover),
	}
}

// Validate reports a field out of range (wrapping framework.ErrInvalid).
func (o Criteria) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("objective %s = %v: want %s: %w", field, v, want, framework.ErrInvalid)
	}
	switch {
	case !(o.SuccessThreshold > 0 && o.SuccessThreshold <= 1):
		return bad("successThreshold", o.SuccessThreshold, "a ratio in (0, 1]")
	case !(o.FailoverShare > 0 && o.FailoverShare <= 1):
		return bad("failoverShare", o.FailoverShare, "a ratio in (0, 1]")
	case o.StabilityWindow <= 0:
		return bad("stabilityWindow", o.StabilityWindow, "a positive duration")
	case o.RTO < 0:
		return bad("rto", o.RTO, "a duration >= 0")
	case o.RPO < 0:
		return bad("rpo", o.RPO, "a duration >= 0")
	}
	return nil
}
