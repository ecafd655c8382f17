package evidence_test

import (
	"errors"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
)

func TestSignOffAndSetGameDay(t *testing.T) {
	ev := evidencetest.Failing()
	if err := ev.SignOff("", "", "", time.Now()); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("sign-off without approver: %v, want ErrInvalid", err)
	}
	at := time.Date(2026, 11, 29, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	if err := ev.SignOff("Amina Haddad", "accepted with R-1, R-2", "kid", at); err != nil {
		t.Fatal(err)
	}
	if s := ev.GameDay.SignOff; s.Approver != "Amina Haddad" || !s.At.Equal(at) || s.At.Location() != time.UTC {
		t.Fatalf("sign-off %+v", s)
	}

	same := *ev.GameDay
	same.SignOff = nil
	if dropped := ev.SetGameDay(same); dropped || ev.GameDay.SignOff == nil {
		t.Errorf("an unchanged record dropped the sign-off")
	}
	changed := same
	changed.NextDrill = "2027-03-01"
	if dropped := ev.SetGameDay(changed); !dropped || ev.GameDay.SignOff != nil {
		t.Errorf("a changed record kept the sign-off")
	}

	fresh := evidence.New("r", at)
	if err := fresh.SignOff("A", "", "", at); err != nil || fresh.GameDay == nil {
		t.Errorf("sign-off on evidence without a game-day record: %v", err)
	}
}

func TestDate(t *testing.T) {
	if d := evidence.DateOf(time.Date(2026, 12, 31, 23, 0, 0, 0, time.FixedZone("X", -3600))); d != "2027-01-01" {
		t.Errorf("DateOf = %s", d)
	}
	if _, err := evidence.Date("2026-02-30").Time(); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("2026-02-30: %v, want ErrInvalid", err)
	}
}
