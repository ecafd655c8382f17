package dataplane

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"gameday.io/gameday/framework"
)

// Serve answers the agent's control API on l until ctx ends:
//
//	GET    /v1/status           the data plane's Status
//	GET    /v1/faults           active data-plane faults
//	PUT    /v1/faults/{id}      inject a FaultSpec
//	DELETE /v1/faults/{id}      revert it
func (a *Agent) Serve(ctx context.Context, l net.Listener) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, a.Status()) })
	mux.HandleFunc("GET /v1/faults", func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, a.Faults()) })
	mux.HandleFunc("PUT /v1/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		var f FaultSpec
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			replyErr(w, fmt.Errorf("decode fault: %v: %w", err, framework.ErrInvalid))
			return
		}
		if err := a.Inject(r.PathValue("id"), f); err != nil {
			replyErr(w, err)
			return
		}
		reply(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	mux.HandleFunc("DELETE /v1/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		if err := a.Revert(r.PathValue("id")); err != nil {
			replyErr(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func replyErr(w http.ResponseWriter, err error) {
	status, code := http.StatusInternalServerError, "internal"
	switch {
	case errors.Is(err, framework.ErrInvalid):
		status, code = http.StatusBadRequest, "invalid"
	case errors.Is(err, framework.ErrNotFound):
		status, code = http.StatusNotFound, "not-found"
	}
	reply(w, status, apiError{Error: err.Error(), Code: code})
}
