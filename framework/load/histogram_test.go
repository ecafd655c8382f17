package load

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// exactQuantile is the ceil(q*n)-th smallest value.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	rank := max(int(math.Ceil(q*float64(len(sorted)))), 1)
	return sorted[rank-1]
}

// checkQuantiles compares the histogram's quantiles with the exact ones: off
// by at most 1/64 relative (the bin's half width) or 1 µs (its resolution).
func checkQuantiles(t *testing.T, values []time.Duration) {
	t.Helper()
	var h histogram
	for _, v := range values {
		h.add(v)
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999, 1} {
		got, want := h.quantile(q), exactQuantile(sorted, q)
		tol := max(time.Duration(float64(want)/64), time.Microsecond)
		if diff := got - want; diff > tol || diff < -tol {
			t.Errorf("q%v of %d values = %v, exact %v (tolerance %v)", q, len(values), got, want, tol)
		}
	}
	if h.max != sorted[len(sorted)-1] {
		t.Errorf("max %v, want %v", h.max, sorted[len(sorted)-1])
	}
}

func TestHistogramQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := map[string]func() time.Duration{
		"uniform 0-10ms": func() time.Duration { return time.Duration(rng.Int64N(int64(10 * time.Millisecond))) },
		"lognormal":      func() time.Duration { return time.Duration(math.Exp(rng.NormFloat64()*1.5+13) + 1000) },
		"bimodal":        func() time.Duration { return []time.Duration{300 * time.Microsecond, 2 * time.Second}[rng.IntN(2)] },
		"tiny":           func() time.Duration { return time.Duration(rng.Int64N(40_000)) },
		"one":            func() time.Duration { return 42 * time.Millisecond },
	}
	for name, gen := range tests {
		t.Run(name, func(t *testing.T) {
			values := make([]time.Duration, 5000)
			for i := range values {
				values[i] = gen()
			}
			checkQuantiles(t, values)
		})
	}
}

func TestHistogramMerge(t *testing.T) {
	var a, b, all histogram
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i) * 37 * time.Microsecond
		all.add(d)
		if i%3 == 0 {
			a.add(d)
		} else {
			b.add(d)
		}
	}
	a.merge(&b)
	if a.latency() != all.latency() || a.n != all.n {
		t.Errorf("merged %+v (n %d), want %+v (n %d)", a.latency(), a.n, all.latency(), all.n)
	}
}

func TestHistogramEmpty(t *testing.T) {
	var h histogram
	if (h.latency() != Latency{}) {
		t.Errorf("empty histogram: %+v", h.latency())
	}
}

func FuzzHistogram(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var values []time.Duration
		for len(data) >= 8 {
			// up to about 2.2 hours, the longest latency worth binning
			values = append(values, time.Duration(binary.LittleEndian.Uint64(data)%(1<<43)))
			data = data[8:]
		}
		if len(values) == 0 {
			return
		}
		checkQuantiles(t, values)
	})
}
