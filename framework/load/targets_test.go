package load

import (
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/inference"
)

// The bodies are what the real inference server accepts.
func TestBodiesParse(t *testing.T) {
	if rows, err := inference.ParsePredictRequest(V1Body, 4); err != nil || len(rows) != 1 {
		t.Errorf("v1 body %s: %v", V1Body, err)
	}
	if _, rows, err := inference.ParseInferRequest(V2Body, 4); err != nil || len(rows) != 1 {
		t.Errorf("v2 body %s: %v", V2Body, err)
	}
}

func TestTargeterMix(t *testing.T) {
	for _, f := range []float64{0, 0.1, 0.5, 1} {
		sent := sends{since: time.Now()}
		s := newStream("http://lb.test", "default", "europe-west1", f, &sent)
		tr := s.targeter()
		var v2 int
		for range 1000 {
			var tgt vegeta.Target
			if err := tr(&tgt); err != nil {
				t.Fatal(err)
			}
			switch tgt.URL {
			case "http://lb.test/v2/models/default/infer":
				v2++
			case "http://lb.test/v1/models/default:predict":
			default:
				t.Fatalf("url %s", tgt.URL)
			}
			if tgt.Header.Get(framework.HeaderClientRegion) != "europe-west1" || tgt.Method != "POST" {
				t.Fatalf("target %+v", tgt)
			}
		}
		if want := int(f * 1000); v2 != want || sent.n.Load() != 1000 {
			t.Errorf("fraction %v: %d v2 calls of %d, want %d", f, v2, sent.n.Load(), want)
		}
	}
}

// TestSendsKeepTheLatest: concurrent sends count every request and keep the
// latest instant, and a run ends at its last request when that came after
// the stop.
func TestSendsKeepTheLatest(t *testing.T) {
	start := time.Now()
	r := &run{sent: sends{since: start}}
	c := &r.sent
	if !c.lastAt().Equal(start) {
		t.Fatalf("before any send, lastAt = %v, want since", c.lastAt())
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				c.add()
			}
		}()
	}
	wg.Wait()
	after := time.Now()
	if c.n.Load() != 8000 || c.lastAt().Before(start) || c.lastAt().After(after) {
		t.Fatalf("sent %d, last %v: want 8000 within [%v, %v]", c.n.Load(), c.lastAt(), start, after)
	}
	r.stopped = c.lastAt().Add(-20 * time.Millisecond) // a request handed out after the stop
	if !r.end().Equal(c.lastAt()) {
		t.Errorf("end = %v, want the last request %v", r.end(), c.lastAt())
	}
	r.stopped = c.lastAt().Add(time.Second) // stopped after the last request (a hanging target)
	if !r.end().Equal(r.stopped) {
		t.Errorf("end = %v, want the stop %v", r.end(), r.stopped)
	}
}
