package dataplane

import (
	"time"

	istionetv1beta1 "istio.io/client-go/pkg/apis/networking/v1beta1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/traffic/gateway"
	"gameday.io/gameday/framework/traffic/globallb"
)

// Mesh is what the DestinationRule asks of the mesh, with the profile's
// scale applied to its durations.
type Mesh struct {
	Outlier     gateway.OutlierDetection `json:"outlierDetection"`
	MaxRequests int                      `json:"maxRequests,omitempty"`
	Failover    []globallb.FailoverRule  `json:"failover,omitempty"`
}

// MeshFrom reads a DestinationRule. Fields it does not set take Istio's
// defaults; a nil rule means no outlier detection and no failover order.
func MeshFrom(dr *istionetv1beta1.DestinationRule, t framework.Timeouts) Mesh {
	m := Mesh{}
	if dr == nil || dr.Spec.TrafficPolicy == nil {
		return m
	}
	tp := dr.Spec.TrafficPolicy
	if od := tp.OutlierDetection; od != nil {
		o := gateway.DefaultOutlierDetection
		if od.Consecutive_5XxErrors != nil {
			o.Consecutive5xx = int(od.Consecutive_5XxErrors.Value)
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
	return opts
}
