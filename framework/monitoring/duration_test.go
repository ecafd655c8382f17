package monitoring

import (
	"errors"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "2m", want: 2 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "500ms", want: 500 * time.Millisecond},
		{in: "1s500ms", want: 1500 * time.Millisecond},
		{in: "1d", want: 24 * time.Hour},
		{in: "1w2d", want: 9 * 24 * time.Hour},
		{in: "1y", want: 365 * 24 * time.Hour},
		{in: "0", want: 0},
		{in: "0s", want: 0},
		{in: "", bad: true},
		{in: "2", bad: true},
		{in: "1.5m", bad: true},
		{in: "30s1m", bad: true},
		{in: "-1m", bad: true},
		{in: "1M", bad: true},
		{in: "99999999999999999999y", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if tc.bad {
				if !errors.Is(err, framework.ErrInvalid) {
					t.Fatalf("ParseDuration(%q) = %v, %v; want an ErrInvalid error", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{-time.Second, "0s"},
		{12 * time.Second, "12s"},
		{90 * time.Second, "1m30s"},
		{1500 * time.Millisecond, "1s500ms"},
		{1500*time.Millisecond + 999*time.Microsecond, "1s500ms"},
		{26 * time.Hour, "1d2h"},
	} {
		if got := FormatDuration(tc.in); got != tc.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzParseDuration checks that whatever parses formats back to the same duration.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"2m", "1h30m", "500ms", "1y2w3d4h5m6s7ms", "0", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		back, err := ParseDuration(FormatDuration(d))
		if err != nil || back != d {
			t.Fatalf("%q parsed as %v, formatted as %q, parsed back as %v, %v", s, d, FormatDuration(d), back, err)
		}
	})
}
