package inference

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gameday.io/gameday/framework"
)

// MaxRequestBody bounds an inference request body.
const MaxRequestBody = 8 << 20

// ServeHTTP routes a request (see the package documentation for the routes).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	h := w.Header()
	for _, id := range s.ids {
		h[id[0][0]] = id[1]
	}
	route, code := s.route(w, r)
	s.m.observe(route, code, time.Since(start))
}

// InFlight is the number of requests being served.
func (s *Server) InFlight() int64 { return s.inflight.Load() }

// Handler returns the server's HTTP handler, to mount without Serve (tests,
// in-process use); call Load to make it ready.
func (s *Server) Handler() http.Handler { return s }

func (s *Server) route(w http.ResponseWriter, r *http.Request) (string, int) {
	p := r.URL.Path
	switch {
	case p == "/v2/health/live":
		return routeLive, s.get(w, r, s.live)
	case p == "/v2/health/ready":
		return routeReady, s.get(w, r, s.ready)
	case p == "/v2" || p == "/v2/":
		return routeServerMeta, s.get(w, r, s.serverMetadata)
	case p == "/metrics":
		return routeMetrics, s.get(w, r, func(w http.ResponseWriter, r *http.Request) int {
			s.m.handler.ServeHTTP(w, r)
			return http.StatusOK
		})
	case strings.HasPrefix(p, "/v2/models/"):
		return s.routeModel(w, r, p[len("/v2/models/"):])
	case strings.HasPrefix(p, "/v1/models/") && strings.HasSuffix(p, ":predict"):
		name := p[len("/v1/models/") : len(p)-len(":predict")]
		if r.Method != http.MethodPost {
			return routePredict, methodNotAllowed(w, r, http.MethodPost)
		}
		return routePredict, s.predict(w, r, name)
	}
	return routeOther, writeError(w, http.StatusNotFound, fmt.Sprintf("no route for %s %s", r.Method, p))
}

// routeModel handles {name}[/versions/{version}][/ready|/infer].
func (s *Server) routeModel(w http.ResponseWriter, r *http.Request, rest string) (string, int) {
	name, sub, _ := strings.Cut(rest, "/")
	version := ""
	if v, ok := strings.CutPrefix(sub, "versions/"); ok {
		version, sub, _ = strings.Cut(v, "/")
	}
	switch sub {
	case "":
		return routeModelMeta, s.get(w, r, func(w http.ResponseWriter, r *http.Request) int {
			return s.modelMetadata(w, name, version)
		})
	case "ready":
		return routeModelReady, s.get(w, r, func(w http.ResponseWriter, r *http.Request) int {
			return s.modelReady(w, name, version)
		})
	case "infer":
		if r.Method != http.MethodPost {
			return routeInfer, methodNotAllowed(w, r, http.MethodPost)
		}
		return routeInfer, s.infer(w, r, name, version)
	}
	return routeOther, writeError(w, http.StatusNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, h func(http.ResponseWriter, *http.Request) int) int {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return methodNotAllowed(w, r, http.MethodGet)
	}
	return h(w, r)
}

func (s *Server) live(w http.ResponseWriter, _ *http.Request) int {
	st := s.state.Load()
	if !st.Live {
		return writeJSON(w, http.StatusServiceUnavailable, map[string]any{"live": false, "reason": st.Reason})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"live": true})
}

func (s *Server) ready(w http.ResponseWriter, _ *http.Request) int {
	st := s.state.Load()
	if !st.Ready {
		return writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "reason": st.Reason})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"ready": true})
}

func (s *Server) serverMetadata(w http.ResponseWriter, _ *http.Request) int {
	return writeJSON(w, http.StatusOK, ServerMetadata{Name: "gameday-inference-sim", Version: framework.Version, Extensions: []string{}})
}

// lookup resolves a model name and optional version against the loaded state;
// on failure it has written the answer and returns its code.
func (s *Server) lookup(w http.ResponseWriter, name, version string) (*state, int) {
	if name != s.cfg.modelName {
		return nil, writeError(w, http.StatusNotFound, fmt.Sprintf("model %q not found (this server serves %q)", name, s.cfg.modelName))
	}
	st := s.state.Load()
	if st.model == nil {
		return nil, writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("model %q is not ready: %s", name, st.Reason))
	}
	if version != "" && version != st.model.Version {
		return nil, writeError(w, http.StatusNotFound, fmt.Sprintf("model %q has no version %q (loaded: %q)", name, version, st.model.Version))
	}
	return st, 0
}

func (s *Server) modelReady(w http.ResponseWriter, name, version string) int {
	st, code := s.lookup(w, name, version)
	if st == nil {
		return code
	}
	return writeJSON(w, http.StatusOK, map[string]any{"name": name, "ready": true})
}

func (s *Server) modelMetadata(w http.ResponseWriter, name, version string) int {
	st, code := s.lookup(w, name, version)
	if st == nil {
		return code
	}
	f := int64(len(st.model.Weights))
	return writeJSON(w, http.StatusOK, ModelMetadata{
		Name: name, Versions: []string{st.model.Version}, Platform: Platform,
		Inputs:  []TensorMetadata{{Name: InputName, Datatype: "FP32", Shape: []int64{-1, f}}},
		Outputs: []TensorMetadata{{Name: OutputName, Datatype: OutputDatatype, Shape: []int64{-1}}},
	})
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) int {
	w.Header().Set("Allow", allow)
	return writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed on %s (use %s)", r.Method, r.URL.Path, allow))
}

func writeError(w http.ResponseWriter, code int, msg string) int {
	return writeJSON(w, code, ErrorResponse{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"error":"encode response"}`)
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b) + 1)}
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
	return code
}

var jsonContentType = []string{"application/json"}
