package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/load"
)

// loadOptions are the flags of gameday load.
type loadOptions struct {
	env          envFlags
	url          string
	rate         float64
	duration     time.Duration
	ramp         time.Duration
	timeout      time.Duration
	maxWorkers   int
	v2Fraction   float64
	clients      []string
	timelinePath string
	minSuccess   float64
}

func newLoadCmd() *cobra.Command {
	o := &loadOptions{}
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Send inference load to the global URL and show it second by second",
		Long: `Send v1 predict and v2 infer requests to the global inference URL with Vegeta
for --duration, one stream per --client-region (each sends the
X-Gameday-Client-Region header), and show a line per second: requests per
second, success ratio, p99 latency and the share each region served. On a
terminal the line is rewritten in place; otherwise one line per second.

Without --url the URL (and the known regions) come from the environment --name.
Before any load, one probe request checks that the URL answers.

At the end it prints a summary; --timeline writes the full 100 ms timeline as
JSON. --min-success makes the command exit 1 when the success ratio is lower.`,
		Example: `  gameday load --rate 200 --duration 30s --client-region us-east1 --client-region europe-west1
  gameday load --url http://127.0.0.1:8080 --rate 50 --duration 1m --timeline load.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLoad(cmd.Context(), cmd.OutOrStdout(), o) },
	}
	o.env.add(cmd)
	f := cmd.Flags()
	f.StringVar(&o.url, "url", "", "global inference URL (default: the environment's)")
	f.Float64Var(&o.rate, "rate", load.DefaultRate, "requests per second over all client regions")
	f.DurationVar(&o.duration, "duration", 30*time.Second, "how long to send load")
	f.DurationVar(&o.ramp, "ramp", load.DefaultRamp, "raise the rate linearly from 0 over this long")
	f.DurationVar(&o.timeout, "timeout", load.DefaultTimeout, "per-request timeout")
	f.IntVar(&o.maxWorkers, "max-workers", load.DefaultMaxWorkers, "bound on requests in flight")
	f.Float64Var(&o.v2Fraction, "v2-fraction", load.DefaultV2Fraction, "share of v2 infer requests (the rest are v1 predict)")
	f.StringArrayVar(&o.clients, "client-region", nil, "client region of a stream (repeatable; default one stream without the header)")
	f.StringVar(&o.timelinePath, "timeline", "", "write the timeline as JSON to this file")
	f.Float64Var(&o.minSuccess, "min-success", 0, "exit 1 when the success ratio is below this (0 to 1)")
	return cmd
}

func runLoad(ctx context.Context, out io.Writer, o *loadOptions) error {
	if o.duration <= 0 {
		return fmt.Errorf("--duration %v: want a positive duration: %w", o.duration, framework.ErrInvalid)
	}
	if o.minSuccess < 0 || o.minSuccess > 1 {
		return fmt.Errorf("--min-success %v: want a ratio from 0 to 1: %w", o.minSuccess, framework.ErrInvalid)
	}
	url, known, err := loadTarget(o)
	if err != nil {
		return err
	}
	pw := load.NewProgressWriter(out)
	opts := []load.Option{
		load.WithRate(o.rate), load.WithRamp(o.ramp), load.WithTimeout(o.timeout), load.WithMaxWorkers(o.maxWorkers),
		load.WithV2Fraction(o.v2Fraction), load.WithClientRegions(o.clients...), load.WithKnownRegions(known...),
		load.WithProgress(pw.Update, time.Second), load.WithLogger(framework.Logger(ctx)),
	}
	g, err := load.New(url, opts...)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	if err := g.Start(runCtx); err != nil {
		return err
	}
	<-runCtx.Done()
	tl := g.Stop()
	if err := pw.Close(); err != nil {
		return err
	}
	printLoadSummary(out, tl)
	if o.timelinePath != "" {
		if err := writeTimeline(o.timelinePath, tl); err != nil {
			return err
		}
		fmt.Fprintf(out, "timeline: %s\n", o.timelinePath)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("load interrupted after %v: %w", tl.Duration.Round(time.Millisecond), err)
	}
	total := tl.Totals(0, tl.End())
	if ratio := total.SuccessRatio(); ratio < o.minSuccess {
		return fmt.Errorf("success ratio %.4f is below --min-success %v: %w", ratio, o.minSuccess, framework.ErrObjectiveFailed)
	}
	return nil
}

// loadTarget returns the URL to load and the regions client regions must
// come from: --url as given (any region), else the environment's.
func loadTarget(o *loadOptions) (string, []string, error) {
	if o.url != "" {
		return o.url, nil, nil
	}
	rec, err := store().Load(o.env.name)
	if err != nil {
		return "", nil, fmt.Errorf("no --url and %w", err)
	}
	if rec.URL == "" {
		return "", nil, fmt.Errorf("environment %q has no global inference URL (is its data plane running?); give --url: %w", rec.Name, framework.ErrNotFound)
	}
	return rec.URL, rec.RegionNames(), nil
}

func printLoadSummary(w io.Writer, tl *load.Timeline) {
	total := tl.Totals(0, tl.End())
	secs := tl.Duration.Seconds()
	fmt.Fprintf(w, "sent %d requests in %v (%.1f/s; planned %d), recorded %d\n",
		tl.Sent, tl.Duration.Round(time.Millisecond), float64(tl.Sent)/max(secs, 1e-9), tl.Planned, tl.Recorded)
	fmt.Fprintf(w, "ok %d (%.2f%%)", total.OK, 100*total.SuccessRatio())
	if n := total.Failures.Total(); n > 0 {
		b, _ := json.Marshal(total.Failures)
		fmt.Fprintf(w, ", failed %d %s", n, strings.ReplaceAll(string(b), `"`, ""))
	}
	l := tl.Latency
	fmt.Fprintf(w, "\nlatency p50 %v p90 %v p99 %v max %v\n", l.P50, l.P90, l.P99, l.Max)
	if total.OK > 0 {
		var shares []string
		for _, r := range slices.Sorted(maps.Keys(total.Regions)) {
			shares = append(shares, fmt.Sprintf("%s %.1f%%", cmp.Or(r, "(unnamed)"), 100*float64(total.Regions[r])/float64(total.OK)))
		}
		fmt.Fprintf(w, "served by %s\n", strings.Join(shares, ", "))
	}
}

func writeTimeline(path string, tl *load.Timeline) error {
	b, err := json.MarshalIndent(tl, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write timeline: %w", err)
	}
	return nil
}
