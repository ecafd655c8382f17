package evidence

// Downsample returns a copy of the timeline with at most maxPoints points,
// merging runs of adjacent points: Sent adds up, Success and Share are the
// Sent-weighted means, P50Ms the Sent-weighted mean of the medians and P99Ms
// the maximum of the p99s (so a merged point never hides a latency spike).
// A timeline already small enough is returned as is.
func (t *Timeline) Downsample(maxPoints int) *Timeline {
	if t == nil || maxPoints <= 0 || len(t.Points) <= maxPoints {
		return t
	}
	n := (len(t.Points) + maxPoints - 1) / maxPoints
	out := *t
	out.BucketSeconds = t.BucketSeconds * float64(n)
	out.Points = make([]Point, 0, (len(t.Points)+n-1)/n)
	for i := 0; i < len(t.Points); i += n {
		out.Points = append(out.Points, merge(t.Points[i:min(i+n, len(t.Points))]))
	}
	return &out
}

func merge(ps []Point) Point {
	m := Point{T: ps[0].T}
	var weight float64
	for _, p := range ps {
		m.Sent += p.Sent
		weight += float64(max(p.Sent, 1))
	}
	for _, p := range ps {
		w := float64(max(p.Sent, 1)) / weight
		m.Success += w * p.Success
		m.P50Ms += w * p.P50Ms
		m.P99Ms = max(m.P99Ms, p.P99Ms)
		for r, s := range p.Share {
			if m.Share == nil {
				m.Share = map[string]float64{}
			}
			m.Share[r] += w * s
		}
	}
	return m
}
