package evidence_test

import (
	"math"
	"testing"

	"gameday.io/gameday/framework/evidence"
)

func TestDownsample(t *testing.T) {
	tl := &evidence.Timeline{BucketSeconds: 0.1, Regions: []string{"a", "b"}}
	for i := range 10 {
		p := evidence.Point{T: float64(i) / 10, Sent: 10, Success: 1, P50Ms: 10, P99Ms: 20, Share: map[string]float64{"a": 1}}
		if i == 3 {
			p.Success, p.P99Ms, p.Share = 0.5, 900, map[string]float64{"a": 0.25, "b": 0.25}
		}
		tl.Points = append(tl.Points, p)
	}
	if got := tl.Downsample(10); got != tl {
		t.Error("a small timeline was copied")
	}
	got := tl.Downsample(4) // 3 points per merged point
	if len(got.Points) != 4 || math.Abs(got.BucketSeconds-0.3) > 1e-9 {
		t.Fatalf("%d points of %vs", len(got.Points), got.BucketSeconds)
	}
	second := got.Points[1] // points 3, 4, 5
	if second.T != 0.3 || second.Sent != 30 {
		t.Errorf("merged point t=%v sent=%d", second.T, second.Sent)
	}
	if math.Abs(second.Success-(0.5+1+1)/3) > 1e-9 {
		t.Errorf("success %v, want the sent-weighted mean", second.Success)
	}
	if second.P99Ms != 900 {
		t.Errorf("p99 %v, want the spike kept", second.P99Ms)
	}
	if math.Abs(second.Share["b"]-0.25/3) > 1e-9 {
		t.Errorf("share b %v", second.Share["b"])
	}
	if last := got.Points[3]; last.Sent != 10 {
		t.Errorf("last merged point sent %d, want the one point left", last.Sent)
	}
	if len(tl.Points) != 10 || tl.Points[3].P99Ms != 900 {
		t.Error("Downsample changed its input")
	}
}
