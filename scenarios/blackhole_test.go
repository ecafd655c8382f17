package scenarios

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	istioapiv1alpha3 "istio.io/api/networking/v1alpha3"
	"k8s.io/apimachinery/pkg/types"

	"gameday.io/gameday/framework/evidence"
)

func TestSilentServerFinding(t *testing.T) {
	svc := types.NamespacedName{Namespace: "ml", Name: "model"}
	load := []evidence.PhaseLoad{
		{Phase: "baseline", Failures: map[string]int{"timeout": 3}},
		{Phase: "fault", Failures: map[string]int{"timeout": 205, "5xx": 2}},
	}
	if f := silentServerFinding([]evidence.PhaseLoad{{Phase: "fault", Failures: map[string]int{"5xx": 2}}}, svc, "", nil); f != nil {
		t.Fatalf("a finding without timeouts: %+v", f)
	}
	bounded := &istioapiv1alpha3.HTTPRoute{Timeout: durationpb.New(1500 * time.Millisecond),
		Retries: &istioapiv1alpha3.HTTPRetry{Attempts: 2, PerTryTimeout: durationpb.New(400 * time.Millisecond)}}
	for _, tt := range []struct {
		name  string
		vs    string
		route *istioapiv1alpha3.HTTPRoute
		want  string
	}{
		{"no route", "", nil, "no VirtualService routes to Service ml/model, so Istio's defaults apply"},
		{"route without timeouts", "ml/model", &istioapiv1alpha3.HTTPRoute{}, "VirtualService ml/model routes to Service ml/model without a timeout"},
		{"bounded route", "ml/model", bounded, "bounds them (timeout 1.5s, per-try 400ms)"},
	} {
		f := silentServerFinding(load, svc, tt.vs, tt.route)
		if f == nil || f.ID != "silent-servers" || !strings.HasPrefix(f.Message, "205 of the 207 requests that failed while the fault held timed out") || !strings.Contains(f.Message, tt.want) {
			t.Errorf("%s: %+v, want %q", tt.name, f, tt.want)
		}
	}
}
