package measure

import (
	"fmt"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/load"
)

// FailoverResult is when traffic moved to a region.
type FailoverResult struct {
	Region string `json:"region"`
	// ClientRegion, when set, limits the measure to that client region's requests.
	ClientRegion string  `json:"clientRegion,omitempty"`
	Threshold    float64 `json:"threshold"`
	// FailedOver: the region's share reached Threshold and held for the
	// stability window. Time is from the fault to the start of that window
	// (Offset), exact to one bucket.
	FailedOver bool          `json:"failedOver"`
	Time       time.Duration `json:"time"`
	Offset     time.Duration `json:"offset"`
	// ShareBefore is the region's share during the stability window before
	// the fault; ShareAfter its share during the window that held (or from
	// the fault to the end when none held).
	ShareBefore float64 `json:"shareBefore"`
	ShareAfter  float64 `json:"shareAfter"`
	Reason      string  `json:"reason,omitempty"`
	// Window spans from the fault to the end of the window that held.
	Window Window `json:"window"`
	// Timeline is what was measured, for failure messages; not serialized.
	Timeline *load.Timeline `json:"-"`
}

// Failover measures when the share of requests that region served
// successfully crossed the objective's FailoverShare after the fault marked
// faultPhase, and held for the stability window; clientRegion, when set,
// limits it to that client region's requests.
func Failover(tl *load.Timeline, obj Criteria, faultPhase, region, clientRegion string) (FailoverResult, error) {
	if err := obj.Validate(); err != nil {
		return FailoverResult{}, err
	}
	f, err := faultOffset(tl, faultPhase)
	if err != nil {
		return FailoverResult{}, err
	}
	return failoverAt(tl, obj, f, region, clientRegion)
}

func failoverAt(tl *load.Timeline, obj Criteria, f time.Duration, region, client string) (FailoverResult, error) {
	if region == "" {
		return FailoverResult{}, fmt.Errorf("measure: failover: no region named: %w", framework.ErrInvalid)
	}
	counts := globalCounts
	if client != "" {
		counts = func(b *load.Bucket) load.Counts { return b.Clients[client] }
	}
	share := func(c load.Counts) float64 { return c.Share(region) }
	s := series{tl, ratioJudge(counts, share, obj.FailoverShare)}
	r := FailoverResult{Region: region, ClientRegion: client, Threshold: obj.FailoverShare, Timeline: tl}
	r.ShareBefore = shareOver(tl, counts, region, f-obj.StabilityWindow, f)
	i, ok := s.stableRun(tl.Index(f), obj.StabilityWindow)
	if !ok {
		end := max(tl.Duration, tl.End())
		r.Time, r.Window = end-f, Window{f, end}
		r.ShareAfter = shareOver(tl, counts, region, f, end)
		r.Reason = fmt.Sprintf("the share of requests served by %s did not stay >= %v for %v before the timeline ended at %v",
			region, obj.FailoverShare, obj.StabilityWindow, end)
		return r, nil
	}
	start := tl.Buckets[i].Offset
	r.FailedOver, r.Offset, r.Time = true, max(start, f), max(start-f, 0)
	r.Window = Window{f, start + obj.StabilityWindow}
	r.ShareAfter = shareOver(tl, counts, region, start, start+obj.StabilityWindow)
	return r, nil
}

// shareOver is region's share of the requests of the buckets overlapping [from, to).
func shareOver(tl *load.Timeline, counts func(*load.Bucket) load.Counts, region string, from, to time.Duration) float64 {
	var c load.Counts
	for _, b := range tl.Window(max(from, 0), to) {
		c.Add(counts(&b))
	}
	return c.Share(region)
}
