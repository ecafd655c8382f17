package load

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// MaxTableRows bounds WriteTable: a longer window shows its first and last
// rows with a line counting the buckets left out.
const MaxTableRows = 30

// WriteTable writes the buckets overlapping [from, to) as a text table, one
// row per bucket: offset, phase, sent, ok, failures by cause, success ratio,
// p99 and successful responses by serving region.
func (t *Timeline) WriteTable(w io.Writer, from, to time.Duration) error {
	bs := t.Window(from, to)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "offset\tphase\tsent\tok\tfailures\tsuccess\tp99\tregions\t")
	for i, b := range bs {
		if len(bs) > MaxTableRows && i == MaxTableRows/3 {
			fmt.Fprintf(tw, "…\t%d buckets\t\t\t\t\t\t\t\n", len(bs)-MaxTableRows+1)
		}
		if len(bs) > MaxTableRows && i >= MaxTableRows/3 && i < len(bs)-(MaxTableRows-MaxTableRows/3-1) {
			continue
		}
		fmt.Fprintf(tw, "+%.1fs\t%s\t%d\t%d\t%s\t%.1f%%\t%v\t%s\t\n", b.Offset.Seconds(), b.Phase, b.Sent, b.OK,
			formatFailures(b.Failures), 100*b.SuccessRatio(), b.Latency.P99.Round(10*time.Microsecond), formatRegions(b.Regions))
	}
	return tw.Flush()
}

// Table is WriteTable into a string.
func (t *Timeline) Table(from, to time.Duration) string {
	var b strings.Builder
	_ = t.WriteTable(&b, from, to)
	return b.String()
}

func formatFailures(f Failures) string {
	var parts []string
	for _, c := range []Cause{Cause5xx, Cause4xx, CauseStatus, CauseTimeout, CauseRefused, CauseReset, CauseOther} {
		if n := f.Count(c); n > 0 {
			parts = append(parts, fmt.Sprintf("%s:%d", c, n))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

func formatRegions(m map[string]int) string {
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(m)) {
		name := r
		if name == "" {
			name = "?"
		}
		parts = append(parts, fmt.Sprintf("%s:%d", name, m[r]))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}
