package monitoring

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Transition is one change of one alert's state seen by History.
type Transition struct {
	// Alert is the alertname; Labels are all the alert's labels.
	Alert  string
	Labels map[string]string
	// From and To are StateInactive, StatePending, StateFiring or StateResolved.
	From, To string
	// At is when the poll saw the change: it happened after the previous poll.
	At time.Time
	// ActiveAt is Prometheus' own time for when the alert went pending; it
	// stays the same while the alert moves on to firing (zero on resolution).
	ActiveAt time.Time
}

// History records alert state transitions from successive polls of
// /api/v1/alerts (see Watch). An alert is identified by its labels. Safe for
// concurrent use.
type History struct {
	start time.Time

	mu          sync.Mutex
	current     map[string]tracked
	transitions []Transition
	polls, errs int
}

type tracked struct {
	state    string
	activeAt time.Time
	labels   map[string]string
}

// NewHistory returns an empty History whose summaries count from start
// (a drill's t0).
func NewHistory(start time.Time) *History {
	return &History{start: start, current: map[string]tracked{}}
}

// Observe records what one poll at time at returned: the active alerts.
// An alert seen pending or firing that is missing from alerts has ended:
// resolved if it was firing, inactive again if it was only pending. An alert
// whose activeAt changed ended and started again between two polls.
func (h *History) Observe(at time.Time, alerts []Alert) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.polls++
	seen := map[string]bool{}
	alerts = slices.Clone(alerts)
	slices.SortFunc(alerts, func(a, b Alert) int { return strings.Compare(labelKey(a.Labels), labelKey(b.Labels)) })
	for _, a := range alerts {
		key := labelKey(a.Labels)
		seen[key] = true
		prev, ok := h.current[key]
		if !ok {
			prev = tracked{state: StateInactive, labels: a.Labels}
		}
		if active(prev.state) && !a.ActiveAt.Equal(prev.activeAt) {
			prev = h.end(key, prev, at)
		}
		if a.State != prev.state {
			h.record(a.Labels, prev.state, a.State, at, a.ActiveAt)
		}
		h.current[key] = tracked{state: a.State, activeAt: a.ActiveAt, labels: maps.Clone(a.Labels)}
	}
	for _, key := range slices.Sorted(maps.Keys(h.current)) {
		if prev := h.current[key]; !seen[key] && active(prev.state) {
			h.end(key, prev, at)
		}
	}
}

// end records the end of an active alert and returns its new state.
func (h *History) end(key string, prev tracked, at time.Time) tracked {
	next := tracked{state: StateInactive, labels: prev.labels}
	if prev.state == StateFiring {
		next.state = StateResolved
	}
	h.record(prev.labels, prev.state, next.state, at, time.Time{})
	h.current[key] = next
	return next
}

func (h *History) record(labels map[string]string, from, to string, at, activeAt time.Time) {
	h.transitions = append(h.transitions, Transition{
		Alert: labels["alertname"], Labels: maps.Clone(labels), From: from, To: to, At: at, ActiveAt: activeAt,
	})
}

func active(state string) bool { return state == StatePending || state == StateFiring }

// PollError counts a failed poll (see Watch).
func (h *History) PollError() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.errs++
}

// Polls returns how many polls were observed and how many failed.
func (h *History) Polls() (ok, failed int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.polls, h.errs
}

// Transitions returns a copy of every transition, in the order seen.
func (h *History) Transitions() []Transition {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.transitions)
}

// ActiveSince names the alerts pending or firing now that went active at
// or after t (Prometheus' activeAt), as alertname{labels}.
func (h *History) ActiveSince(t time.Time) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, key := range slices.Sorted(maps.Keys(h.current)) {
		if c := h.current[key]; active(c.state) && !c.activeAt.Before(t) {
			out = append(out, key)
		}
	}
	return out
}

// First returns the first transition of alert into state to, if any.
func (h *History) First(alert, to string) (Transition, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range h.transitions {
		if t.Alert == alert && t.To == to {
			return t, true
		}
	}
	return Transition{}, false
}

// Summary describes each alert's transitions on one line, times counted from
// the history's start: `InferenceServiceDown{severity="critical"}: pending at
// +1.0s, firing at +13.0s, resolved at +20.0s`.
func (h *History) Summary() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var order []string
	steps := map[string][]string{}
	for _, t := range h.transitions {
		key := labelKey(t.Labels)
		if _, ok := steps[key]; !ok {
			order = append(order, key)
		}
		steps[key] = append(steps[key], fmt.Sprintf("%s at +%.1fs", t.To, t.At.Sub(h.start).Seconds()))
	}
	out := make([]string, 0, len(order))
	for _, key := range order {
		out = append(out, key+": "+strings.Join(steps[key], ", "))
	}
	return out
}

// Watch polls c's alerts every interval into h until ctx ends, then returns
// nil. A failed poll is logged and counted, and polling goes on: Prometheus
// may be restarted by a fault.
func Watch(ctx context.Context, c *Client, h *History, interval time.Duration, log *slog.Logger) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		at := time.Now()
		alerts, err := c.Alerts(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			h.PollError()
			log.Debug("poll alerts", "err", err)
		default:
			h.Observe(at, alerts)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// LabelList renders labels as k=v pairs joined by commas, sorted by key,
// without the keys in skip ("severity=critical,zone=a").
func LabelList(labels map[string]string, skip ...string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if !slices.Contains(skip, k) {
			parts = append(parts, k+"="+labels[k])
		}
	}
	return strings.Join(parts, ",")
}

// labelKey names an alert by its labels: alertname{k=v,...}, keys sorted.
func labelKey(labels map[string]string) string {
	var b strings.Builder
	b.WriteString(labels["alertname"])
	b.WriteByte('{')
	first := true
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if k == "alertname" {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "%s=%q", k, labels[k])
	}
	b.WriteByte('}')
	return b.String()
}
