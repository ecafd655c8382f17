package globallb

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gameday.io/gameday/framework/traffic/gateway/forward"
)

// The runbook's request.
var (
	predictPath = "/v1/models/default:predict"
	predictBody = []byte(`{"instances": [[1,2,3,4]]}`)
)

// Benchmark parameters.
const (
	// benchWorkers is the closed-loop concurrency of the throughput runs.
	benchWorkers = 32
	// latencyWindow is how long each latency run lasts (10,000 samples at 5,000 rps).
	latencyWindow = 2 * time.Second
)

// latencyRates pace the latency runs: the goal of 5,000 rps, and a
// light load that shows the overhead of the two extra hops without queueing.
var latencyRates = []int{1000, 5000}

// BenchmarkDataPlane measures the data plane side by side: straight to one
// inference server, through a region's gateway, and through global LB ->
// gateway -> inference server (three pods per region). The throughput runs are closed loop with
// benchWorkers concurrent clients (ns/op is 1/throughput); the latency runs
// pace both paths at each of latencyRates and report p50/p99 of each and the
// p99 the LB and gateway add. Everything shares this process and its cores:
// client, load balancer, gateway and servers.
func BenchmarkDataPlane(b *testing.B) {
	lb, gws, pods := startStack(b, 3)
	client := &http.Client{Transport: forward.NewTransport(0)}
	direct := pods[0] + predictPath
	global := lb.URL() + predictPath
	paths := []struct{ name, url string }{
		{"direct", direct},
		{"gateway", gws["us-east1"].URL() + predictPath},
		{"globallb", global},
	}
	for _, p := range paths {
		warmUp(b, client, p.url)
	}
	for _, p := range paths {
		b.Run("throughput/"+p.name, func(b *testing.B) {
			lat := closedLoop(b, client, p.url, b.N, benchWorkers)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rps")
			b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
		})
	}
	for _, rate := range latencyRates {
		b.Run(fmt.Sprintf("latency-at-%drps", rate), func(b *testing.B) {
			if b.N > 1 {
				b.Skip("one fixed-length run is enough")
			}
			runtime.GC()
			dLat, dRate := openLoop(b, client, direct, rate, latencyWindow)
			runtime.GC()
			gLat, gRate := openLoop(b, client, global, rate, latencyWindow)
			b.ReportMetric(dRate, "direct-rps")
			b.ReportMetric(gRate, "globallb-rps")
			b.ReportMetric(ms(percentile(dLat, 50)), "direct-p50-ms")
			b.ReportMetric(ms(percentile(dLat, 99)), "direct-p99-ms")
			b.ReportMetric(ms(percentile(gLat, 50)), "globallb-p50-ms")
			b.ReportMetric(ms(percentile(gLat, 99)), "globallb-p99-ms")
			b.ReportMetric(ms(percentile(gLat, 99)-percentile(dLat, 99)), "added-p99-ms")
		})
	}
}

// predict sends one request and returns its latency; any answer but 200
// fails the benchmark (a fast error is not a result).
func predict(b *testing.B, client *http.Client, url string) time.Duration {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(predictBody))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s answered %s", url, resp.Status)
	}
	return d
}

func warmUp(b *testing.B, client *http.Client, url string) {
	closedLoop(b, client, url, 2000, benchWorkers)
}

// closedLoop sends n requests from workers concurrent clients.
func closedLoop(b *testing.B, client *http.Client, url string, n, workers int) []time.Duration {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				lat[i] = predict(b, client, url)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	return lat
}

// openLoop sends rate requests a second for window, released every
// millisecond whatever the answers do (no coordinated omission), and returns
// the latencies and the rate achieved.
func openLoop(b *testing.B, client *http.Client, url string, rate int, window time.Duration) ([]time.Duration, float64) {
	n := int(float64(rate) * window.Seconds())
	lat := make([]time.Duration, n)
	work := make(chan int, n)
	var wg sync.WaitGroup
	for range 256 {
		wg.Go(func() {
			for i := range work {
				lat[i] = predict(b, client, url)
			}
		})
	}
	tick := time.NewTicker(time.Millisecond)
	start := time.Now()
	sent := 0
	for sent < n {
		<-tick.C
		due := min(n, int(time.Since(start).Seconds()*float64(rate)))
		for ; sent < due; sent++ {
			work <- sent
		}
	}
	tick.Stop()
	close(work)
	wg.Wait()
	return lat, float64(n) / time.Since(start).Seconds()
}

func percentile(lat []time.Duration, p float64) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p/100))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
