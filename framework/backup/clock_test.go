package backup

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestClockUnpaced(t *testing.T) {
	start := utc("2024-01-15T00:00:00Z")
	c, err := NewClock(start, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.AdvanceTo(ctx, start.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !c.Now().Equal(start.Add(6 * time.Hour)) {
		t.Errorf("now = %s", c.Now())
	}
	if err := c.AdvanceTo(ctx, start.Add(time.Hour)); err == nil {
		t.Error("clock went backwards")
	}
	virtual, real := c.Elapsed()
	if virtual != 6*time.Hour || real > time.Second {
		t.Errorf("elapsed %s virtual in %s real, want 6h in well under a second", virtual, real)
	}
	if _, err := NewClock(start, -1); err == nil {
		t.Error("negative factor accepted")
	}
}

func TestClockPacedByFactor(t *testing.T) {
	start := utc("2024-01-15T00:00:00Z")
	const factor = 36000 // one hour in 100 ms
	c, err := NewClock(start, factor)
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	for i := 1; i <= 4; i++ {
		if err := c.AdvanceTo(context.Background(), start.Add(time.Duration(i)*15*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(begin); took < 100*time.Millisecond || took > 2*time.Second {
		t.Errorf("one virtual hour at factor %d took %s, want about 100ms", factor, took)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.AdvanceTo(ctx, start.Add(100*time.Hour)); !errors.Is(err, context.Canceled) {
		t.Errorf("advance with a cancelled context: %v", err)
	}
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(struct{ D Duration }{Duration(5*time.Hour + 59*time.Minute + 59*time.Second)})
	if err != nil || string(b) != `{"D":"5h59m59s"}` {
		t.Fatalf("%s %v", b, err)
	}
	var back struct{ D Duration }
	if err := json.Unmarshal(b, &back); err != nil || time.Duration(back.D) != 5*time.Hour+59*time.Minute+59*time.Second {
		t.Errorf("%v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"soon"}`), &back); err == nil {
		t.Error("bad duration accepted")
	}
}
