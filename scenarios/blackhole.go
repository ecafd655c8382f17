package scenarios

import (
	"fmt"

	istioapiv1alpha3 "istio.io/api/networking/v1alpha3"
	"k8s.io/apimachinery/pkg/types"

	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/evidence"
)

// silentServerFinding explains requests that timed out while the fault
// held: lost machines answer nothing (black-hole), so a request waits
// until someone's timeout. It says whether the platform's route to the
// Service sets the timeout and retries that would have turned the silence
// into a quick retry elsewhere; nil when nothing timed out.
func silentServerFinding(load []evidence.PhaseLoad, svc types.NamespacedName, vsName string, route *istioapiv1alpha3.HTTPRoute) *evidence.Finding {
	timedOut, failed := 0, 0
	for _, p := range load {
		if p.Phase != "fault" {
			continue
		}
		timedOut += p.Failures["timeout"]
		for _, n := range p.Failures {
			failed += n
		}
	}
	if timedOut == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d of the %d requests that failed while the fault held timed out at the client: the lost servers accepted connections and answered nothing, as machines without power or network do", timedOut, failed)
	switch {
	case route == nil:
		msg += fmt.Sprintf("; no VirtualService routes to Service %s, so Istio's defaults apply: no request timeout, retries only on connect-failure, refused-stream and unavailable. Neither the gateway's retries nor outlier detection act before the client gives up; a route timeout with per-try timeouts and retries on reset/gateway-error would", svc)
	case route.Timeout == nil && (route.Retries == nil || route.Retries.PerTryTimeout == nil):
		msg += fmt.Sprintf("; VirtualService %s routes to Service %s without a timeout or per-try timeout, so a silent server holds each request until the client gives up", vsName, svc)
	default:
		msg += fmt.Sprintf("; VirtualService %s bounds them (timeout %v, per-try %v), yet requests still outlived the client's timeout", vsName, route.GetTimeout().AsDuration(), route.GetRetries().GetPerTryTimeout().AsDuration())
	}
	return &evidence.Finding{ID: "silent-servers", Severity: evidence.SeverityWarning, Message: msg}
}

// routeToService is the platform's VirtualService route to the Service the
// load goes through, if any.
func (d *drill) routeToService() (types.NamespacedName, string, *istioapiv1alpha3.HTTPRoute) {
	svc := types.NamespacedName{Namespace: d.env.Namespace()}
	if s := d.env.Platform.Service; s != nil {
		svc.Name = s.Name
	}
	vs, route := dataplane.RouteTo(d.env.Platform.VirtualServices, svc)
	return svc, vs, route
}
