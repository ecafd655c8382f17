package monitoring

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"

	"gameday.io/gameday/framework"
)

// durationUnits are Prometheus' duration units, largest first, as its
// parser (prometheus/common/model.ParseDuration) takes them: a year is 365
// days, a week 7 days.
var durationUnits = []struct {
	name string
	d    time.Duration
}{
	{"y", 365 * 24 * time.Hour},
	{"w", 7 * 24 * time.Hour},
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
	{"s", time.Second},
	{"ms", time.Millisecond},
}

var durationRE = regexp.MustCompile(`^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$`)

// ParseDuration parses a Prometheus duration such as "2m", "1h30m" or
// "500ms" (units y, w, d, h, m, s, ms, each at most once, largest first).
// "0" is zero. Anything else wraps framework.ErrInvalid.
func ParseDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	m := durationRE.FindStringSubmatch(s)
	if s == "" || m == nil {
		return 0, fmt.Errorf("duration %q: not a Prometheus duration (e.g. 2m, 1h30m, 500ms): %w", s, framework.ErrInvalid)
	}
	var total time.Duration
	for i, u := range durationUnits {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > math.MaxInt64/int64(u.d) || total > math.MaxInt64-time.Duration(n)*u.d {
			return 0, fmt.Errorf("duration %q: too long: %w", s, framework.ErrInvalid)
		}
		total += time.Duration(n) * u.d
	}
	return total, nil
}

// FormatDuration writes d in Prometheus' notation, rounded down to the
// millisecond (Prometheus' resolution): 12s, 1m30s, 1s500ms; 0s for zero.
func FormatDuration(d time.Duration) string {
	d = d.Truncate(time.Millisecond)
	if d <= 0 {
		return "0s"
	}
	out := ""
	for _, u := range durationUnits[2:] { // days and below read best
		if n := d / u.d; n > 0 {
			out += strconv.FormatInt(int64(n), 10) + u.name
			d -= n * u.d
		}
	}
	return out
}

// scaleDuration multiplies a Prometheus duration by scale.
func scaleDuration(s string, scale float64) (string, error) {
	d, err := ParseDuration(s)
	if err != nil {
		return "", err
	}
	return FormatDuration(time.Duration(float64(d) * scale)), nil
}
