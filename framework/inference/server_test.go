package inference_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/inference"
	"gameday.io/gameday/framework/inference/inferencetest"
)

var testID = inference.Identity{Region: "us-east1", Zone: "us-east1-a", Node: "node-a1", Pod: "inference-0"}

func TestProtocolConformance(t *testing.T) {
	m, _, _ := testModel(t)
	url, _ := inferencetest.Start(t, inference.WithIdentity(testID), inference.WithModelSource(inference.StaticSource{Model: m}))
	inferencetest.Eventually(t, 5*time.Second, "ready", func() (bool, string) {
		code, body, _ := get(t, url+"/v2/health/ready")
		return code == http.StatusOK, fmt.Sprint(code, body)
	})

	infer := `{"id":"req-1","inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP32","data":[1,2,3,4,0,0,0,0]}]}`
	tests := []struct {
		name, method, path, body string
		wantCode                 int
		check                    func(t *testing.T, body map[string]any)
	}{
		{name: "live", method: "GET", path: "/v2/health/live", wantCode: 200, check: wantField("live", true)},
		{name: "ready", method: "GET", path: "/v2/health/ready", wantCode: 200, check: wantField("ready", true)},
		{name: "server metadata", method: "GET", path: "/v2", wantCode: 200, check: wantField("name", "gameday-inference-sim")},
		{name: "model ready", method: "GET", path: "/v2/models/default/ready", wantCode: 200, check: wantField("ready", true)},
		{name: "model version ready", method: "GET", path: "/v2/models/default/versions/v1/ready", wantCode: 200, check: wantField("name", "default")},
		{name: "unknown version", method: "GET", path: "/v2/models/default/versions/v9/ready", wantCode: 404, check: wantErrorContaining(`no version "v9"`)},
		{name: "unknown model", method: "GET", path: "/v2/models/other/ready", wantCode: 404, check: wantErrorContaining(`model "other" not found`)},
		{name: "model metadata", method: "GET", path: "/v2/models/default", wantCode: 200, check: func(t *testing.T, b map[string]any) {
			in := b["inputs"].([]any)[0].(map[string]any)
			if in["name"] != inference.InputName || toString(in["shape"]) != "[-1 4]" || b["platform"] != inference.Platform {
				t.Fatalf("metadata = %v", b)
			}
		}},
		{name: "infer", method: "POST", path: "/v2/models/default/infer", body: infer, wantCode: 200, check: func(t *testing.T, b map[string]any) {
			out := b["outputs"].([]any)[0].(map[string]any)
			if b["id"] != "req-1" || b["model_name"] != "default" || b["model_version"] != "v1" ||
				out["name"] != inference.OutputName || out["datatype"] != inference.OutputDatatype ||
				toString(out["shape"]) != "[2]" || toString(out["data"]) != "[3.5 0.5]" {
				t.Fatalf("infer response = %v", b)
			}
		}},
		{name: "infer bad input", method: "POST", path: "/v2/models/default/infer", body: `{"inputs":[{"name":"input-0","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}`,
			wantCode: 400, check: wantErrorContaining("does not fit the model")},
		{name: "infer not json", method: "POST", path: "/v2/models/default/infer", body: `nope`, wantCode: 400, check: wantErrorContaining("not a valid inference request")},
		{name: "infer with GET", method: "GET", path: "/v2/models/default/infer", wantCode: 405, check: wantErrorContaining("use POST")},
		{name: "runbook predict", method: "POST", path: "/v1/models/default:predict", body: `{"instances": [[1,2,3,4]]}`, wantCode: 200,
			check: func(t *testing.T, b map[string]any) {
				if toString(b["predictions"]) != "[3.5]" {
					t.Fatalf("predictions = %v", b)
				}
			}},
		{name: "predict wrong width", method: "POST", path: "/v1/models/default:predict", body: `{"instances": [[1,2]]}`, wantCode: 400, check: wantErrorContaining("the model wants 4")},
		{name: "predict unknown model", method: "POST", path: "/v1/models/x:predict", body: `{"instances": [[1,2,3,4]]}`, wantCode: 404, check: wantErrorContaining("not found")},
		{name: "no route", method: "GET", path: "/nope", wantCode: 404, check: wantErrorContaining("no route")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, h := do(t, tt.method, url+tt.path, tt.body)
			if code != tt.wantCode {
				t.Fatalf("%s %s = %d %v, want %d", tt.method, tt.path, code, body, tt.wantCode)
			}
			for k, v := range map[string]string{framework.HeaderRegion: testID.Region, framework.HeaderZone: testID.Zone,
				framework.HeaderNode: testID.Node, framework.HeaderPod: testID.Pod} {
				if h.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, h.Get(k), v)
				}
			}
			tt.check(t, body)
		})
	}

	t.Run("metrics", func(t *testing.T) {
		resp, err := http.Get(url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, want := range []string{"up 1", `inference_requests_total{code="200",route="predict"} 1`,
			`inference_requests_total{code="400",route="infer"} 2`, `inference_request_duration_seconds_bucket{route="infer"`, "inference_model_loaded 1"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("metrics lack %q:\n%s", want, b)
			}
		}
	})
}

func TestSimulatedLatency(t *testing.T) {
	m, _, _ := testModel(t)
	url, srv := inferencetest.Start(t, inference.WithModelSource(inference.StaticSource{Model: m}), inference.WithLatency(30*time.Millisecond, 10*time.Millisecond))
	inferencetest.Eventually(t, 5*time.Second, "ready", func() (bool, string) { s := srv.Status(); return s.Ready, s.Reason })
	start := time.Now()
	code, _, _ := do(t, "POST", url+"/v1/models/default:predict", `{"instances": [[1,2,3,4]]}`)
	if took := time.Since(start); code != 200 || took < 30*time.Millisecond {
		t.Fatalf("predict = %d in %s, want 200 after at least 30ms", code, took)
	}
}

func TestGracefulShutdownDrains(t *testing.T) {
	m, _, _ := testModel(t)
	srv, err := inference.New(inference.WithModelSource(inference.StaticSource{Model: m}), inference.WithLatency(200*time.Millisecond, 0))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	inferencetest.Eventually(t, 5*time.Second, "ready", func() (bool, string) { s := srv.Status(); return s.Ready, s.Reason })

	got := make(chan int, 1)
	go func() {
		resp, err := http.Post(url+"/v1/models/default:predict", "application/json", strings.NewReader(`{"instances": [[1,2,3,4]]}`))
		if err != nil {
			got <- -1
			return
		}
		resp.Body.Close()
		got <- resp.StatusCode
	}()
	// Wait until the request is in flight (counted by the latency wait), then shut down.
	inferencetest.Eventually(t, 5*time.Second, "request in flight", func() (bool, string) {
		return srv.InFlight() > 0, "none in flight"
	})
	cancel()
	if code := <-got; code != 200 {
		t.Fatalf("in-flight request during shutdown = %d, want 200 (drained)", code)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if s := srv.Status(); s.Ready || s.Reason != "shutting down" {
		t.Fatalf("status after shutdown = %+v", s)
	}
	if _, err := http.Get(url + "/v2/health/live"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts []inference.Option
	}{
		{"no source", nil},
		{"negative latency", []inference.Option{inference.WithModelSource(inference.StaticSource{}), inference.WithLatency(-1, 0)}},
		{"empty model name", []inference.Option{inference.WithModelSource(inference.StaticSource{}), inference.WithModelName("")}},
		{"bad retry", []inference.Option{inference.WithModelSource(inference.StaticSource{}), inference.WithRetryInterval(time.Second, time.Millisecond)}},
		{"nil source", []inference.Option{inference.WithModelSource(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := inference.New(tt.opts...); err == nil || !strings.Contains(err.Error(), "invalid input") {
				t.Fatalf("inference.New = %v, want an ErrInvalid error", err)
			}
		})
	}
}

func wantField(k string, v any) func(*testing.T, map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		if b[k] != v {
			t.Fatalf("%s = %v, want %v (body %v)", k, b[k], v, b)
		}
	}
}

func wantErrorContaining(s string) func(*testing.T, map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		msg, _ := b["error"].(string)
		if !strings.Contains(msg, s) {
			t.Fatalf("error = %q, want it to contain %q", msg, s)
		}
	}
}

func toString(v any) string { return fmt.Sprint(v) }
