package inference

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

func (s *Server) infer(w http.ResponseWriter, r *http.Request, name, version string) int {
	var req *InferRequest
	return s.run(w, r, name, version, func(body []byte, features int) (rows [][]float64, err error) {
		req, rows, err = ParseInferRequest(body, features)
		return rows, err
	}, func(st *state, out []float64) any {
		return InferResponse{
			ModelName: name, ModelVersion: st.model.Version, ID: req.ID,
			Outputs: []OutputTensor{{Name: OutputName, Shape: []int64{int64(len(out))}, Datatype: OutputDatatype, Data: out}},
		}
	})
}

func (s *Server) predict(w http.ResponseWriter, r *http.Request, name string) int {
	return s.run(w, r, name, "", ParsePredictRequest, func(_ *state, out []float64) any {
		return PredictResponse{Predictions: out}
	})
}

// run serves one inference call: look the model up, parse the body into
// instances, compute, and answer with what respond makes of the outputs.
func (s *Server) run(w http.ResponseWriter, r *http.Request, name, version string,
	parse func(body []byte, features int) ([][]float64, error), respond func(*state, []float64) any) int {
	st, code := s.lookup(w, name, version)
	if st == nil {
		return code
	}
	buf, code := readBody(w, r)
	if buf == nil {
		return code
	}
	rows, err := parse(buf.Bytes(), len(st.model.Weights))
	bufPool.Put(buf)
	if err != nil {
		return writeError(w, http.StatusBadRequest, err.Error())
	}
	out, code := s.evaluate(r.Context(), w, st, rows)
	if out == nil {
		return code
	}
	return writeJSON(w, http.StatusOK, respond(st, out))
}

// evaluate spends the simulated compute time and runs the model.
func (s *Server) evaluate(ctx context.Context, w http.ResponseWriter, st *state, rows [][]float64) ([]float64, int) {
	if err := s.compute(ctx); err != nil {
		// The client went away; nobody reads this answer.
		return nil, writeError(w, http.StatusServiceUnavailable, "request cancelled during compute: "+err.Error())
	}
	out := make([]float64, len(rows))
	for i, x := range rows {
		y, err := st.model.Predict(x)
		if err == nil && (math.IsInf(y, 0) || math.IsNaN(y)) {
			err = errors.New("prediction overflows float64")
		}
		if err != nil {
			return nil, writeError(w, http.StatusBadRequest, fmt.Sprintf("instance %d: %v", i, err))
		}
		out[i] = y
	}
	return out, 0
}

// compute waits for the simulated GPU time: fixed + uniform [0, jitter).
func (s *Server) compute(ctx context.Context) error {
	d := s.cfg.latency
	if s.cfg.jitter > 0 {
		d += rand.N(s.cfg.jitter)
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads the request body into a pooled buffer (the caller returns it
// to bufPool) or writes the error answer and returns nil and its code.
func readBody(w http.ResponseWriter, r *http.Request) (*bytes.Buffer, int) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxRequestBody)); err != nil {
		bufPool.Put(buf)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", MaxRequestBody))
		}
		return nil, writeError(w, http.StatusBadRequest, "read request body: "+err.Error())
	}
	return buf, 0
}
