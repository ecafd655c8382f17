package load

import (
	"sync/atomic"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane/inference"
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
		var sent atomic.Uint64
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
		if want := int(f * 1000); v2 != want || sent.Load() != 1000 {
			t.Errorf("fraction %v: %d v2 calls of %d, want %d", f, v2, sent.Load(), want)
		}
	}
}
