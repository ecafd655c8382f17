package inference

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Route labels of the request metrics.
const (
	routeLive       = "live"
	routeReady      = "ready"
	routeServerMeta = "server_metadata"
	routeModelMeta  = "model_metadata"
	routeModelReady = "model_ready"
	routeInfer      = "infer"
	routePredict    = "predict"
	routeMetrics    = "metrics"
	routeOther      = "other"
)

// metrics is one server's Prometheus registry (never the global one, so that
// many servers can run in one process).
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	loaded    prometheus.Gauge
	loadTries prometheus.Counter
	handler   http.Handler
	counters  sync.Map // seriesKey -> prometheus.Counter
	observers sync.Map // route -> prometheus.Observer
}

func newMetrics(inflight func() int64) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	up := prometheus.NewGauge(prometheus.GaugeOpts{Name: "up", Help: "1 while the inference server is serving."})
	up.Set(1)
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "inference_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "inference_request_duration_seconds",
		Help:    "HTTP request latency by route, including simulated compute time.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	m.loaded = prometheus.NewGauge(prometheus.GaugeOpts{Name: "inference_model_loaded", Help: "1 once the model artifact is loaded."})
	m.loadTries = prometheus.NewCounter(prometheus.CounterOpts{Name: "inference_model_load_attempts_total", Help: "Model download attempts."})
	inFlight := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "inference_requests_in_flight", Help: "Requests being served."},
		func() float64 { return float64(inflight()) })
	m.reg.MustRegister(up, m.requests, m.latency, m.loaded, m.loadTries, inFlight)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// seriesKey names one request counter; metrics caches the vectors' children
// so that the hot path skips label hashing.
type seriesKey struct {
	route string
	code  int
}

func (m *metrics) observe(route string, code int, d time.Duration) {
	k := seriesKey{route, code}
	c, ok := m.counters.Load(k)
	if !ok {
		c, _ = m.counters.LoadOrStore(k, m.requests.WithLabelValues(route, strconv.Itoa(code)))
	}
	c.(prometheus.Counter).Inc()
	o, ok := m.observers.Load(route)
	if !ok {
		o, _ = m.observers.LoadOrStore(route, m.latency.WithLabelValues(route))
	}
	o.(prometheus.Observer).Observe(d.Seconds())
}
