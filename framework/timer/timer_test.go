package timer

import (
	"context"
	"testing"
	"time"
)

func TestPause(t *testing.T) {
	if !Pause(context.Background(), time.Millisecond) {
		t.Fatal("a full pause must report true")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Pause(ctx, time.Hour) {
		t.Fatal("an ended context must cut the pause short and report false")
	}
	if Pause(ctx, 0) || !Pause(context.Background(), 0) {
		t.Fatal("a zero pause reports whether the context is alive")
	}
}
