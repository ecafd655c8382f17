package storage

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"

	"gameday.io/gameday/framework"
)

// CacheFault is a storage-outage mode a Cache simulates.
type CacheFault string

const (
	// FaultNone: normal operation.
	FaultNone CacheFault = "none"
	// FaultBackendError: the backend is down; misses and pass-through
	// requests fail at once with 503, hits are still served from memory.
	FaultBackendError CacheFault = "backend-error"
	// FaultBackendTimeout: the backend does not answer; misses and
	// pass-through requests hang until the client gives up, hits are served.
	FaultBackendTimeout CacheFault = "backend-timeout"
	// FaultCacheError: the cache itself fails every request with 503.
	FaultCacheError CacheFault = "cache-error"
	// FaultCacheTimeout: the cache itself hangs every request until the client
	// gives up.
	FaultCacheTimeout CacheFault = "cache-timeout"
)

// CacheFaults lists the fault modes.
func CacheFaults() []CacheFault {
	return []CacheFault{FaultNone, FaultBackendError, FaultBackendTimeout, FaultCacheError, FaultCacheTimeout}
}

// ParseCacheFault validates a fault mode name ("" means none).
func ParseCacheFault(s string) (CacheFault, error) {
	if s == "" {
		return FaultNone, nil
	}
	f := CacheFault(s)
	if !slices.Contains(CacheFaults(), f) {
		return "", fmt.Errorf("unknown storage fault %q (want one of %v): %w", s, CacheFaults(), framework.ErrInvalid)
	}
	return f, nil
}

// SetFault switches the cache into fault mode f (FaultNone clears it).
func (c *Cache) SetFault(f CacheFault) error {
	if _, err := ParseCacheFault(string(f)); err != nil {
		return err
	}
	c.fault.Store(f)
	c.log.Info("model cache fault", "mode", f, "backend", c.backend.String())
	return nil
}

// ClearFault ends any fault mode.
func (c *Cache) ClearFault() { _ = c.SetFault(FaultNone) }

// Fault returns the current fault mode.
func (c *Cache) Fault() CacheFault { return c.fault.Load().(CacheFault) }

type cacheCounters struct {
	hits, misses, revalidated, stale, pass, evictions atomic.Int64
	backendErrors, faultErrors, faultHangs            atomic.Int64
}

// CacheStats counts what a Cache did since it was created.
type CacheStats struct {
	Fault CacheFault `json:"fault"`
	// Hits were served from memory without asking the backend.
	Hits int64 `json:"hits"`
	// Misses went to the backend for a cacheable object.
	Misses int64 `json:"misses"`
	// Revalidated hits were confirmed by the backend (304) after their TTL.
	Revalidated int64 `json:"revalidated"`
	// Stale hits were served from memory because the backend failed or a
	// backend fault was set.
	Stale int64 `json:"stale"`
	// Pass counts requests passed through (not cacheable: writes, listings).
	Pass int64 `json:"pass"`
	// Evictions made room within the size bound.
	Evictions int64 `json:"evictions"`
	// BackendErrors are requests the backend did not answer.
	BackendErrors int64 `json:"backendErrors"`
	// FaultErrors and FaultHangs are requests failed or held by a fault mode.
	FaultErrors int64 `json:"faultErrors"`
	FaultHangs  int64 `json:"faultHangs"`
	Entries     int   `json:"entries"`
	Bytes       int64 `json:"bytes"`
}

// Stats returns the counters.
func (c *Cache) Stats() CacheStats {
	entries, bytes := c.store.stats()
	return CacheStats{
		Fault: c.Fault(), Hits: c.n.hits.Load(), Misses: c.n.misses.Load(), Revalidated: c.n.revalidated.Load(),
		Stale: c.n.stale.Load(), Pass: c.n.pass.Load(), Evictions: c.n.evictions.Load(),
		BackendErrors: c.n.backendErrors.Load(), FaultErrors: c.n.faultErrors.Load(), FaultHangs: c.n.faultHangs.Load(),
		Entries: entries, Bytes: bytes,
	}
}

// failFault answers a request a fault mode refuses: 503 at once for error
// modes; for timeout modes it holds the request until the client gives up or
// the cache closes, then drops it.
func (c *Cache) failFault(w http.ResponseWriter, r *http.Request, f CacheFault) {
	switch f {
	case FaultBackendTimeout, FaultCacheTimeout:
		c.n.faultHangs.Add(1)
		select {
		case <-r.Context().Done():
		case <-c.closing:
		}
		panic(http.ErrAbortHandler) // close the connection without a response
	default:
		c.n.faultErrors.Add(1)
		writeS3Error(w, http.StatusServiceUnavailable, "ServiceUnavailable", fmt.Sprintf("model storage unavailable (fault %s)", f))
	}
}

// writeS3Error writes an S3-style XML error.
func writeS3Error(w http.ResponseWriter, status int, code, msg string) {
	body, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string
		Message string
	}{Code: code, Message: msg})
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set(HeaderCache, "ERROR")
	w.WriteHeader(status)
	_, _ = w.Write(append([]byte(xml.Header), body...))
}
