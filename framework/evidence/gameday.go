package evidence

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework"
)

// GameDay is the compliance record of a game day: who took part, who
// approved the result and when, what was found and what will be done about
// it by whom and when, and when the next drill is.
type GameDay struct {
	// Title names the game day ("Q4 regional failover game day").
	Title string `json:"title,omitempty"`
	// Participants took part in the drill.
	Participants []Participant `json:"participants"`
	// SignOff is the approver's sign-off; set only by `gameday report sign`
	// (SignOff), cleared when the record changes afterwards.
	SignOff *SignOff `json:"signOff,omitempty"`
	// Issues found during the game day.
	Issues []Issue `json:"issues"`
	// Remediation items, each with an owner and a due date.
	Remediation []RemediationItem `json:"remediation"`
	// NextDrill is the date of the next drill (YYYY-MM-DD).
	NextDrill Date `json:"nextDrill,omitempty"`
	// Notes are free text.
	Notes string `json:"notes,omitempty"`
}

// Participant took part in a game day.
type Participant struct {
	Name string `json:"name"`
	// Role is their part ("incident commander", "observer", "SRE on call").
	Role string `json:"role,omitempty"`
}

// SignOff records an approver's approval of the evidence.
type SignOff struct {
	Approver string    `json:"approver"`
	At       time.Time `json:"at"`
	Comment  string    `json:"comment,omitempty"`
	// KeyID identifies the key the bundle was signed with at sign-off.
	KeyID string `json:"keyID,omitempty"`
}

// Issue is a problem found during a game day.
type Issue struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity,omitempty"`
	// Drill names the drill that found it, if one did.
	Drill string `json:"drill,omitempty"`
	// Finding is the id of the finding it comes from, if any.
	Finding string `json:"finding,omitempty"`
}

// RemediationItem is work to fix an issue.
type RemediationItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Owner is the person or team that will do it; required.
	Owner string `json:"owner"`
	// Due is the due date (YYYY-MM-DD); required.
	Due Date `json:"due"`
	// Issue is the id of the issue it remedies.
	Issue string `json:"issue,omitempty"`
	// Status: open, in-progress, done.
	Status string `json:"status,omitempty"`
}

// Date is a calendar date, YYYY-MM-DD.
type Date string

// DateOf returns t's UTC date.
func DateOf(t time.Time) Date { return Date(t.UTC().Format(time.DateOnly)) }

// Time parses the date (midnight UTC).
func (d Date) Time() (time.Time, error) {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD: %w", string(d), framework.ErrInvalid)
	}
	return t, nil
}

// SetGameDay replaces the game-day record but keeps the sign-off only when
// the record did not change; a changed record needs signing off again. It
// returns whether an existing sign-off was dropped.
func (e *Evidence) SetGameDay(g GameDay) (droppedSignOff bool) {
	old := e.GameDay
	g.SignOff = nil
	if old != nil && old.SignOff != nil {
		prev := *old
		prev.SignOff = nil
		if equalJSON(prev, g) {
			g.SignOff = old.SignOff
		} else {
			droppedSignOff = true
		}
	}
	e.GameDay = &g
	return droppedSignOff
}

// SignOff records approver's sign-off at t (UTC) with the signing key's id.
func (e *Evidence) SignOff(approver, comment, keyID string, at time.Time) error {
	if approver == "" {
		return fmt.Errorf("sign-off: approver is empty: %w", framework.ErrInvalid)
	}
	if e.GameDay == nil {
		e.GameDay = &GameDay{}
	}
	e.GameDay.SignOff = &SignOff{Approver: approver, At: at.UTC(), Comment: comment, KeyID: keyID}
	return nil
}
