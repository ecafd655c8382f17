package load

import (
	"context"
	"net/http"
	"runtime"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"gameday.io/gameday/framework"
)

const (
	benchWorkers = 64
	benchRounds  = 4
	benchRound   = 250 * time.Millisecond
)

// BenchmarkSustainedRate runs the generator flat out (a rate it cannot reach,
// 64 workers) with full recording, and raw Vegeta with the same workers,
// timeout and target, against the same server, alternating in rounds of
// 250 ms so that a noisy neighbour hurts both alike, and reports both rates
// and their ratio. It fails if a request sent went unrecorded.
func BenchmarkSustainedRate(b *testing.B) {
	tg := newTarget(b)
	var raw, ours float64
	for range b.N {
		for range benchRounds {
			raw += rawVegetaRate(b, tg.URL())
			ours += generatorRate(b, tg.URL())
		}
	}
	n := float64(b.N * benchRounds)
	b.ReportMetric(ours/n, "gameday-req/s")
	b.ReportMetric(raw/n, "vegeta-req/s")
	b.ReportMetric(ours/raw, "ratio")
}

func rawVegetaRate(b *testing.B, url string) float64 {
	a := vegeta.NewAttacker(vegeta.Workers(benchWorkers), vegeta.MaxWorkers(benchWorkers), vegeta.Timeout(DefaultTimeout), vegeta.MaxBody(MaxBody))
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPost, URL: url + V1Path(DefaultModel), Body: V1Body,
		Header: http.Header{"Content-Type": {"application/json"}}})
	begin := time.Now()
	var n int
	for range a.Attack(tr, vegeta.ConstantPacer{}, benchRound, "raw") {
		n++
	}
	return float64(n) / time.Since(begin).Seconds()
}

func generatorRate(b *testing.B, url string) float64 {
	g, err := New(url, WithRate(1e7), WithMaxWorkers(benchWorkers), WithProbe(false, 0))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), benchRound)
	defer cancel()
	if err := g.Start(ctx); err != nil {
		b.Fatal(err)
	}
	<-ctx.Done()
	tl := g.Stop()
	if tl.Sent != tl.Recorded {
		b.Fatalf("sent %d, recorded %d", tl.Sent, tl.Recorded)
	}
	return float64(tl.Recorded) / tl.Duration.Seconds()
}

// BenchmarkRecord feeds synthetic results (1000 per virtual second from two
// client regions, 1 % of them 503s) into a recorder, then builds the
// timeline. It reports the heap the recorder holds while a run lasts and the
// heap the finished Timeline holds, per million results.
func BenchmarkRecord(b *testing.B) {
	hdr := http.Header{}
	hdr.Set(framework.HeaderRegion, "us-east1")
	hdr.Set(framework.HeaderZone, "us-east1-a")
	hdr.Set(framework.HeaderRoute, "local")
	start := time.Now()
	base := heapAlloc()
	b.ResetTimer()
	r := newRecorder(start, DefaultPhase, []string{"us-east1", "europe-west1"})
	for i := range b.N {
		res := vegeta.Result{Code: 200, Headers: hdr, Timestamp: start.Add(time.Duration(i) * time.Millisecond),
			Latency: time.Duration(200+i%1000) * time.Microsecond}
		if i%100 == 0 {
			res.Code, res.Error = 503, "503 Service Unavailable"
		}
		r.record(&res, i%2)
	}
	b.StopTimer()
	recorder := heapAlloc() - base
	tl := r.timeline(time.Duration(b.N) * time.Millisecond)
	r = nil
	timeline := heapAlloc() - base
	if tl.Recorded != uint64(b.N) {
		b.Fatalf("recorded %d of %d", tl.Recorded, b.N)
	}
	runtime.KeepAlive(tl)
	perM := func(bytes float64) float64 { return bytes / float64(b.N) * 1e6 / (1 << 20) }
	b.ReportMetric(perM(recorder), "recorder-MiB/1M-results")
	b.ReportMetric(perM(timeline), "timeline-MiB/1M-results")
}

func heapAlloc() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}
