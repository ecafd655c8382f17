package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"gameday.io/gameday/framework/evidence"
)

// Chart geometry: three aligned panels (success ratio, latency, traffic
// share) with a legend column on the right.
const (
	chartWidth     = 760
	chartHeight    = 540
	legendWidth    = 195
	maxChartPoints = 1000
)

// fontSans is the chart font: Liberation Sans (bundled with gonum for text
// metrics; Debian's fonts-liberation renders it in browsers).
var fontSans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Series and shading colours.
var (
	colorSuccess = color.NRGBA{R: 0x1b, G: 0x7f, B: 0x3b, A: 0xff}
	colorP50     = color.NRGBA{R: 0x25, G: 0x63, B: 0xeb, A: 0xff}
	colorP99     = color.NRGBA{R: 0x9d, G: 0x17, B: 0x4d, A: 0xff}
	regionColors = []color.NRGBA{
		{R: 0x25, G: 0x63, B: 0xeb, A: 0xff},
		{R: 0xea, G: 0x58, B: 0x0c, A: 0xff},
		{R: 0x0d, G: 0x94, B: 0x88, A: 0xff},
		{R: 0x7c, G: 0x3a, B: 0xed, A: 0xff},
		{R: 0x65, G: 0x4d, B: 0x33, A: 0xff},
	}
	windowColors = map[string]color.NRGBA{
		evidence.WindowFault:      {R: 0xdc, G: 0x26, B: 0x26, A: 0x30},
		evidence.WindowRTO:        {R: 0xf5, G: 0x9e, B: 0x0b, A: 0x55},
		evidence.WindowDetection:  {R: 0x64, G: 0x74, B: 0x8b, A: 0x45},
		evidence.WindowFailover:   {R: 0x0d, G: 0x94, B: 0x88, A: 0x40},
		evidence.WindowDisruption: {R: 0x7c, G: 0x3a, B: 0xed, A: 0x30},
		evidence.WindowOutage:     {R: 0xb9, G: 0x1c, B: 0x1c, A: 0x50},
		evidence.WindowAlert:      {R: 0xea, G: 0x58, B: 0x0c, A: 0x38},
	}
	colorOtherWindow = color.NRGBA{R: 0x94, G: 0xa3, B: 0xb8, A: 0x40}
)

// panel is one chart row: its plot and its legend.
type panel struct {
	plot   *plot.Plot
	legend plot.Legend
}

// DrillChart draws a drill's timeline as an SVG document: the success
// ratio, p50 and p99 latency and each region's traffic share over time,
// with the fault windows (from the drill's faults) and the measured windows
// (RTO, detection, failover, disruption) shaded on every panel. It returns
// an error when the drill has no timeline points.
func DrillChart(d *evidence.Drill) ([]byte, error) {
	if d.Timeline == nil || len(d.Timeline.Points) == 0 {
		return nil, fmt.Errorf("drill %s: no timeline to chart", d.Name)
	}
	tl := d.Timeline.Downsample(maxChartPoints)
	windows := chartWindows(d)
	xmax := tl.Points[len(tl.Points)-1].T + tl.BucketSeconds

	success := newPanel("Success ratio", "ratio", windows, 0, 1.05, xmax)
	if err := success.line("success ratio", colorSuccess, 1.5, series(tl, func(p evidence.Point) float64 { return p.Success })); err != nil {
		return nil, err
	}
	latMax := 1.0
	for _, p := range tl.Points {
		latMax = max(latMax, p.P99Ms)
	}
	latency := newPanel("Latency", "ms", windows, 0, latMax*1.1, xmax)
	if err := latency.line("p50", colorP50, 1.2, series(tl, func(p evidence.Point) float64 { return p.P50Ms })); err != nil {
		return nil, err
	}
	if err := latency.line("p99", colorP99, 1.2, series(tl, func(p evidence.Point) float64 { return p.P99Ms })); err != nil {
		return nil, err
	}
	share := newPanel("Traffic share by serving region", "share", windows, 0, 1.05, xmax)
	share.plot.X.Label.Text = "seconds since load start"
	for i, r := range tl.Regions {
		c := regionColors[i%len(regionColors)]
		if err := share.line(r, c, 1.5, series(tl, func(p evidence.Point) float64 { return p.Share[r] })); err != nil {
			return nil, err
		}
	}
	return renderPanels(success, latency, share)
}

func newPanel(title, ylabel string, windows []evidence.Window, ymin, ymax, xmax float64) *panel {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = ylabel
	for _, sty := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font} {
		size := sty.Size
		*sty = fontSans
		sty.Size = size
	}
	p.Title.TextStyle.Font.Size = 11
	p.X.Label.TextStyle.Font.Size = 10
	p.Y.Label.TextStyle.Font.Size = 10
	p.X.Tick.Label.Font.Size = 9
	p.Y.Tick.Label.Font.Size = 9
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	p.Add(plotter.NewGrid())
	pn := &panel{plot: p, legend: plot.NewLegend()}
	pn.legend.TextStyle.Font = fontSans
	pn.legend.TextStyle.Font.Size = 9
	pn.legend.Top, pn.legend.Left = true, true
	pn.legend.ThumbnailWidth = 16
	pn.legend.Padding = 2.5
	seen := map[string]bool{}
	for _, w := range windows {
		poly, err := plotter.NewPolygon(plotter.XYs{{X: w.FromSeconds, Y: ymin}, {X: w.ToSeconds, Y: ymin}, {X: w.ToSeconds, Y: ymax}, {X: w.FromSeconds, Y: ymax}})
		if err != nil {
			continue // a window with a non-finite bound is not drawn
		}
		poly.Color = windowColor(w.Kind)
		poly.LineStyle.Width = 0
		p.Add(poly)
		if !seen[w.Label] {
			seen[w.Label] = true
			pn.legend.Add(w.Label, poly)
		}
	}
	p.X.Min, p.X.Max = 0, xmax
	p.Y.Min, p.Y.Max = ymin, ymax
	return pn
}

func windowColor(kind string) color.NRGBA {
	if c, ok := windowColors[kind]; ok {
		return c
	}
	return colorOtherWindow
}

// line adds a series, drawn as one line per run of points with data.
func (pn *panel) line(name string, c color.Color, width vg.Length, segs []plotter.XYs) error {
	for i, s := range segs {
		l, err := plotter.NewLine(s)
		if err != nil {
			return fmt.Errorf("chart %s: %w", name, err)
		}
		l.LineStyle.Color = c
		l.LineStyle.Width = vg.Points(float64(width))
		pn.plot.Add(l)
		if i == 0 {
			pn.legend.Add(name, l)
		}
	}
	return nil
}

// series returns the points of v, split where a bucket sent nothing (no data).
func series(tl *evidence.Timeline, v func(evidence.Point) float64) []plotter.XYs {
	var segs []plotter.XYs
	var cur plotter.XYs
	for _, p := range tl.Points {
		y := v(p)
		if p.Sent == 0 || math.IsNaN(y) || math.IsInf(y, 0) {
			if len(cur) > 0 {
				segs = append(segs, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: p.T + tl.BucketSeconds/2, Y: y})
	}
	if len(cur) > 0 {
		segs = append(segs, cur)
	}
	return segs
}

// chartWindows are the drill's fault windows (inject to revert, or to the
// end of the load when never reverted) and its measured windows.
func chartWindows(d *evidence.Drill) []evidence.Window {
	tl := d.Timeline
	end := 0.0
	if n := len(tl.Points); n > 0 {
		end = tl.Points[n-1].T + tl.BucketSeconds
	}
	var ws []evidence.Window
	for _, f := range d.Faults {
		from := f.InjectedAt.Sub(tl.Start).Seconds()
		to, label := end, "fault: "+f.Kind+", not reverted"
		if f.RevertedAt != nil {
			to, label = f.RevertedAt.Sub(tl.Start).Seconds(), "fault: "+f.Kind
		}
		ws = append(ws, evidence.Window{Kind: evidence.WindowFault, Label: label, FromSeconds: max(0, from), ToSeconds: min(end, to)})
	}
	for _, w := range d.Windows {
		w.FromSeconds, w.ToSeconds = max(0, w.FromSeconds), min(end, w.ToSeconds)
		ws = append(ws, w)
	}
	return ws
}

// xmlProlog matches what vgsvg writes before the <svg> element.
var xmlProlog = regexp.MustCompile(`^(?s)<\?xml[^>]*\?>\s*(<!--.*?-->\s*)?`)

func renderPanels(panels ...*panel) ([]byte, error) {
	c := vgsvg.New(chartWidth, chartHeight)
	dc := draw.New(c)
	plots := make([][]*plot.Plot, len(panels))
	for i, p := range panels {
		plots[i] = []*plot.Plot{p.plot}
	}
	area := draw.Crop(dc, 0, -legendWidth, 0, 0)
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadY: 10, PadTop: 4, PadBottom: 2, PadLeft: 2, PadRight: 8}
	canvases := plot.Align(plots, tiles, area)
	for i, p := range panels {
		cv := canvases[i][0]
		p.plot.Draw(cv)
		data := p.plot.DataCanvas(cv)
		lc := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: cv.Max.X + 4, Y: data.Min.Y},
			Max: vg.Point{X: dc.Max.X - 2, Y: data.Max.Y},
		}}
		p.legend.Draw(lc)
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	return xmlProlog.ReplaceAll(buf.Bytes(), nil), nil
}

// plainTicks are gonum's default ticks labelled without trailing zeros.
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}
