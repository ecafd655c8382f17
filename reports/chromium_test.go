package reports

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
)

// -screenshot writes docs/report-sample.png from the failing sample (the
// README shows docs/report-screenshot.png, taken from a real run).
var screenshot = flag.Bool("screenshot", false, "write ../docs/report-sample.png from sample data")

// chromium finds Debian's chromium, installing it with hack/ensure-chromium.sh
// when missing. Integration tests only: skipped under -short.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("renders in headless Chromium; skipped with -short")
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	out, err := exec.Command("../hack/ensure-chromium.sh").CombinedOutput()
	if err != nil {
		t.Fatalf("hack/ensure-chromium.sh: %v\n%s", err, out)
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium still missing after hack/ensure-chromium.sh: %v\n%s", err, out)
	}
	return p
}

// runChromium runs headless Chromium on a local file with a fresh profile
// and no way to the network, and returns its stdout.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(),
		// Nothing may leave the machine: no name resolves, every proxy
		// request goes to a closed loopback port.
		"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // leave no helper process behind
	}
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func writeReport(t *testing.T, ev *evidence.Evidence) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(ev, &buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHTMLInChromium renders report.html in headless Chromium and checks,
// from the DOM Chromium built, that every chart has data and, from a
// screenshot, that the verdict is visible at the top of the page.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	broken := evidencetest.Failing()
	broken.Drills[1].Faults[0].RevertedAt = nil
	broken.Drills[1].Error = "interrupted"
	broken.Finalize()
	for name, ev := range map[string]*evidence.Evidence{"passing": evidencetest.Passing(), "failing": evidencetest.Failing(), "broken": broken} {
		t.Run(name, func(t *testing.T) {
			report := writeReport(t, ev)
			url := "file://" + report

			dom := runChromium(t, bin, "--dump-dom", url)
			p, err := parsePage(bytes.NewReader(dom))
			if err != nil {
				t.Fatal(err)
			}
			charts := 0
			for _, d := range ev.Drills {
				if d.Timeline != nil {
					charts++
				}
			}
			if len(p.charts) != charts {
				t.Errorf("Chromium's DOM has %d charts, want %d", len(p.charts), charts)
			}
			checkCharts(t, ev, p)

			shot := filepath.Join(t.TempDir(), "shot.png")
			runChromium(t, bin, "--window-size=1280,1000", "--screenshot="+shot, url)
			img := readPNG(t, shot)
			want := map[evidence.Verdict]color.NRGBA{
				evidence.VerdictPass: {R: 0x15, G: 0x80, B: 0x3d, A: 0xff},
				evidence.VerdictFail: {R: 0xb9, G: 0x1c, B: 0x1c, A: 0xff},
			}[ev.Verdict]
			// The verdict badge sits in the header's top-left corner.
			if n := countColor(img, image.Rect(0, 0, 320, 160), want); n < 3000 {
				t.Errorf("verdict badge: %d pixels of %v in the top-left corner, want >= 3000", n, want)
			}
			if n := countColor(img, img.Bounds(), colorSuccess); n < 200 {
				t.Errorf("the first chart's success line painted %d pixels, want >= 200", n)
			}
		})
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// countColor counts the pixels of r close to c.
func countColor(img image.Image, r image.Rectangle, c color.NRGBA) int {
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if near(p.R, c.R) && near(p.G, c.G) && near(p.B, c.B) {
				n++
			}
		}
	}
	return n
}

func near(a, b uint8) bool { return max(a, b)-min(a, b) < 12 }

// TestScreenshot writes docs/report-sample.png (with -screenshot).
func TestScreenshot(t *testing.T) {
	if !*screenshot {
		t.Skip("run with -screenshot to write docs/report-sample.png")
	}
	bin := chromium(t)
	ev := evidencetest.Failing()
	shot := filepath.Join(t.TempDir(), "shot.png")
	runChromium(t, bin, "--window-size=1200,1500", "--screenshot="+shot, "file://"+writeReport(t, ev))
	data, err := shrinkPNG(readPNG(t, shot))
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join("..", "docs", "report-sample.png")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", dst, len(data))
}

// shrinkPNG scales a screenshot to 2/3 and encodes it compactly.
func shrinkPNG(img image.Image) ([]byte, error) {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()*2/3, b.Dy()*2/3))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, dst); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
