package dataplane

import (
	"slices"
	"strconv"
	"strings"
	"time"

	istioapiv1alpha3 "istio.io/api/networking/v1alpha3"
	istionetv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"
	"k8s.io/apimachinery/pkg/types"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/traffic/gateway"
	"gameday.io/gameday/framework/traffic/globallb"
)

// Mesh is what the DestinationRule and the VirtualService route ask of the
// mesh, with the profile's scale applied to the DestinationRule's control
// durations (ejection times, intervals). The route's request and per-try
// timeouts are not scaled: they bound real requests to real servers.
type Mesh struct {
	Outlier     gateway.OutlierDetection `json:"outlierDetection"`
	MaxRequests int                      `json:"maxRequests,omitempty"`
	Failover    []globallb.FailoverRule  `json:"failover,omitempty"`
	// Route names the VirtualService whose route sets Retry and
	// RequestTimeout ("": none routes to the Service; Istio's defaults).
	Route string `json:"route,omitempty"`
	// Retry is the route's retry policy; nil means Istio's default.
	Retry *gateway.RetryPolicy `json:"retry,omitempty"`
	// RequestTimeout is the route's timeout (0: none, Istio's default).
	RequestTimeout time.Duration `json:"requestTimeout,omitempty"`
}

// MeshFrom reads a DestinationRule and the VirtualService route to the
// Service (vs names it, route is its first HTTP route that does; see
// RouteTo). Fields they do not set take Istio's defaults; a nil rule means
// no outlier detection and no failover order, a nil route Istio's default
// retries and no request timeout.
func MeshFrom(dr *istionetv1beta1.DestinationRule, vs string, route *istioapiv1alpha3.HTTPRoute, t framework.Timeouts) Mesh {
	m := Mesh{}
	if route != nil {
		m.Route = vs
		m.RequestTimeout = route.Timeout.AsDuration()
		if r := route.Retries; r != nil {
			m.Retry = retryFrom(r)
		}
	}
	if dr == nil || dr.Spec.TrafficPolicy == nil {
		return m
	}
	tp := dr.Spec.TrafficPolicy
	if od := tp.OutlierDetection; od != nil {
		o := gateway.DefaultOutlierDetection
		if od.Consecutive_5XxErrors != nil {
			o.Consecutive5xx = int(od.Consecutive_5XxErrors.Value)
		}
		if od.ConsecutiveGatewayErrors != nil {
			o.ConsecutiveGatewayErrors = int(od.ConsecutiveGatewayErrors.Value)
		}
		if od.Interval != nil {
			o.Interval = od.Interval.AsDuration()
		}
		if od.BaseEjectionTime != nil {
			o.BaseEjectionTime = od.BaseEjectionTime.AsDuration()
		}
		if od.MaxEjectionPercent != 0 {
			o.MaxEjectionPercent = int(od.MaxEjectionPercent)
		}
		o.Interval = scaleMin(t, o.Interval)
		o.BaseEjectionTime = scaleMin(t, o.BaseEjectionTime)
		o.MaxEjectionTime = scaleMin(t, gateway.DefaultMaxEjectionTime)
		m.Outlier = o
	}
	if cp := tp.ConnectionPool; cp != nil && cp.Http != nil {
		m.MaxRequests = int(cp.Http.Http2MaxRequests)
	}
	if lb := tp.LoadBalancer; lb != nil && lb.LocalityLbSetting != nil {
		for _, f := range lb.LocalityLbSetting.Failover {
			m.Failover = append(m.Failover, globallb.FailoverRule{From: f.From, To: f.To})
		}
	}
	return m
}

// scaleMin scales a manifest duration, never below 10 ms.
func scaleMin(t framework.Timeouts, d time.Duration) time.Duration {
	return max(t.Scale(d), 10*time.Millisecond)
}

// GatewayOptions turns the mesh settings into gateway options.
func (m Mesh) GatewayOptions() []gateway.Option {
	var opts []gateway.Option
	if m.Outlier.Interval > 0 {
		opts = append(opts, gateway.WithOutlierDetection(m.Outlier))
	}
	if m.MaxRequests > 0 {
		opts = append(opts, gateway.WithMaxRequests(m.MaxRequests))
	}
	if m.Retry != nil {
		opts = append(opts, gateway.WithRetryPolicy(*m.Retry))
	}
	if m.RequestTimeout > 0 {
		opts = append(opts, gateway.WithRequestTimeout(m.RequestTimeout))
	}
	return opts
}

// retryFrom reads a route's retries as Istio translates them for Envoy:
// attempts 0 turns retries off; retryOn defaults to Istio's; HTTP status
// codes written in retryOn become retriable status codes; Envoy's backoff.
func retryFrom(r *istioapiv1alpha3.HTTPRetry) *gateway.RetryPolicy {
	p := gateway.DefaultRetryPolicy
	p.Attempts = int(r.Attempts)
	p.PerTryTimeout = r.PerTryTimeout.AsDuration()
	if r.Backoff != nil {
		p.BaseInterval = r.Backoff.AsDuration()
		p.MaxInterval = max(p.MaxInterval, 10*p.BaseInterval)
	}
	if r.RetryOn == "" {
		return &p
	}
	p.On, p.RetriableStatusCodes = nil, nil
	for _, c := range strings.Split(r.RetryOn, ",") {
		c = strings.TrimSpace(c)
		if code, err := strconv.Atoi(c); err == nil {
			p.RetriableStatusCodes = append(p.RetriableStatusCodes, code)
			if !slices.Contains(p.On, "retriable-status-codes") {
				p.On = append(p.On, "retriable-status-codes")
			}
			continue
		}
		if c != "" && !slices.Contains(p.On, c) {
			p.On = append(p.On, c)
		}
	}
	return &p
}

// RouteTo finds the VirtualService route to a Service: the first HTTP route,
// in manifest order, with a destination host naming svc (as Istio matches
// hosts; a VirtualService without a namespace is taken as svc's). It
// returns the VirtualService's namespace/name and the route, or nil.
func RouteTo(vss []*istionetv1beta1.VirtualService, svc types.NamespacedName) (string, *istioapiv1alpha3.HTTPRoute) {
	for _, vs := range vss {
		ns := vs.Namespace
		if ns == "" {
			ns = svc.Namespace
		}
		for _, route := range vs.Spec.Http {
			for _, d := range route.Route {
				if d.Destination != nil && fixtures.MatchHost(d.Destination.Host, ns, svc.Name, svc.Namespace) == fixtures.HostExact {
					return ns + "/" + vs.Name, route
				}
			}
		}
	}
	return "", nil
}
