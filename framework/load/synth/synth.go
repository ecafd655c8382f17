package synth

import (
	"net/http"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/load"
)

// Outcome is how one synthetic request ended.
type Outcome struct {
	// Code is the HTTP status (0 with Err for a transport failure).
	Code int
	Err  string
	// Region, Zone and Route name what served it.
	Region, Zone, Route string
	Latency             time.Duration
}

// OK is a success served by region.
func OK(region string) Outcome {
	return Outcome{Code: http.StatusOK, Region: region, Zone: region + "-a", Route: "local", Latency: time.Millisecond}
}

// Status is an error answer with code.
func Status(code int) Outcome {
	return Outcome{Code: code, Err: http.StatusText(code), Latency: time.Millisecond}
}

// Refused is a connection refused.
var Refused = Outcome{Err: "dial tcp 127.0.0.1:1: connect: connection refused", Latency: 100 * time.Microsecond}

// Synthesize builds, through load.Recorder, the timeline of a run of
// duration d at rate requests per second from each client region (or one
// stream without a client region), with the given marks (phase -> offset),
// each request ending as outcome says for its send offset.
func Synthesize(rate float64, d time.Duration, marks []load.Mark, clients []string, outcome func(client string, sent time.Duration) Outcome) *load.Timeline {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := load.NewRecorder(start, load.DefaultPhase, clients...)
	for _, m := range marks {
		r.Mark(m.Phase, start.Add(m.Offset))
	}
	streams := clients
	if len(streams) == 0 {
		streams = []string{""}
	}
	interval := time.Duration(float64(time.Second) / rate)
	for off := time.Duration(0); off < d; off += interval {
		for _, c := range streams {
			o := outcome(c, off)
			h := http.Header{}
			h.Set(framework.HeaderRegion, o.Region)
			h.Set(framework.HeaderZone, o.Zone)
			h.Set(framework.HeaderRoute, o.Route)
			res := vegeta.Result{Code: uint16(o.Code), Error: o.Err, Timestamp: start.Add(off), Latency: o.Latency, Headers: h}
			if res.Error == "" && (o.Code < 200 || o.Code >= 400) {
				res.Error = http.StatusText(o.Code)
			}
			r.Record(&res, c)
		}
	}
	return r.Timeline(d)
}
