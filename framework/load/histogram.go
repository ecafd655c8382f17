package load

import (
	"math"
	"math/bits"
	"sort"
	"time"
)

// histogram is a sparse log-linear histogram of latencies in microseconds:
// exact below 32 µs, then 32 bins per octave, so a bin's midpoint is at most
// 1/64 (1.6 %) off any value in it. Its size depends on how spread the
// latencies are, not on how many there are.
type histogram struct {
	bins []bin // sorted by idx
	n    uint64
	max  time.Duration
}

type bin struct {
	idx uint16
	n   uint32
}

const subBits = 5 // 32 bins per octave

func binIndex(d time.Duration) uint16 {
	us := uint64(max(d, 0) / time.Microsecond)
	if us < 1<<subBits {
		return uint16(us)
	}
	e := bits.Len64(us) - subBits - 1 // us>>e is in [32, 64)
	return uint16((e+1)<<subBits) + uint16(us>>e) - 1<<subBits
}

// binMid is the midpoint of a bin, the value quantiles report.
func binMid(idx uint16) time.Duration {
	if idx < 1<<subBits {
		return time.Duration(idx) * time.Microsecond
	}
	e := int(idx>>subBits) - 1
	m := uint64(idx&(1<<subBits-1)) + 1<<subBits
	lo := m << e
	return time.Duration(lo+(uint64(1)<<e)/2) * time.Microsecond
}

func (h *histogram) add(d time.Duration) {
	h.addN(binIndex(d), 1)
	h.max = max(h.max, d)
}

func (h *histogram) addN(idx uint16, n uint32) {
	h.n += uint64(n)
	i := sort.Search(len(h.bins), func(i int) bool { return h.bins[i].idx >= idx })
	if i < len(h.bins) && h.bins[i].idx == idx {
		h.bins[i].n += n
		return
	}
	h.bins = append(h.bins, bin{})
	copy(h.bins[i+1:], h.bins[i:])
	h.bins[i] = bin{idx, n}
}

func (h *histogram) merge(o *histogram) {
	for _, b := range o.bins {
		h.addN(b.idx, b.n)
	}
	h.max = max(h.max, o.max)
}

// quantile returns the q-quantile (0 < q <= 1): the midpoint of the bin that
// holds the ceil(q*n)-th smallest value, never above the exact maximum.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var seen uint64
	for _, b := range h.bins {
		seen += uint64(b.n)
		if seen >= rank {
			return min(binMid(b.idx), h.max)
		}
	}
	return h.max
}

func (h *histogram) latency() Latency {
	return Latency{P50: h.quantile(0.5), P90: h.quantile(0.9), P99: h.quantile(0.99), Max: h.max}
}
