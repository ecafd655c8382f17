package globallb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gameday.io/gameday/framework/inference"
	"gameday.io/gameday/framework/inference/inferencetest"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/traffic/gateway"
)

// startRegion serves pods real inference servers behind a real gateway, all on
// loopback, until the test or benchmark ends; it returns the gateway and the
// pods' URLs.
func startRegion(tb testing.TB, name string, pods int, gwOpts ...gateway.Option) (*gateway.Gateway, []string) {
	tb.Helper()
	model := storage.DefaultModel("v1", time.Now())
	var eps []gateway.Endpoint
	var urls []string
	for i := range pods {
		pod := fmt.Sprintf("%s-inference-%d", name, i)
		url, _ := inferencetest.StartReady(tb, inference.WithModelSource(inference.StaticSource{Model: model}),
			inference.WithIdentity(inference.Identity{Region: name, Zone: name + "-a", Node: "node-" + pod, Pod: pod}))
		eps = append(eps, gateway.Endpoint{Name: pod, URL: url, Zone: name + "-a", Node: "node-" + pod})
		urls = append(urls, url)
	}
	gw, err := gateway.New(name, gwOpts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = gw.Close() })
	if err := gw.SetEndpoints(eps); err != nil {
		tb.Fatal(err)
	}
	if err := gw.Listen("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	return gw, urls
}

// startStack builds the two reference regions and a listening global LB.
func startStack(tb testing.TB, pods int, opts ...Option) (*LB, map[string]*gateway.Gateway, []string) {
	tb.Helper()
	gws := map[string]*gateway.Gateway{}
	var regions []Region
	var podURLs []string
	for _, name := range []string{"us-east1", "europe-west1"} {
		gw, urls := startRegion(tb, name, pods, gateway.WithMaxRequests(1000), gateway.WithOutlierDetection(gateway.OutlierDetection{
			Consecutive5xx: 3, Interval: time.Second, BaseEjectionTime: 3 * time.Second, MaxEjectionPercent: 50}))
		gws[name] = gw
		regions = append(regions, Region{Name: name, GatewayURL: gw.URL()})
		podURLs = append(podURLs, urls...)
	}
	lb, err := New(regions, append([]Option{WithFailover(referenceFailover), WithHealthCheckTimeout(healthCheckTimeout)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = lb.Close() })
	if err := lb.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if err := lb.Listen("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	return lb, gws, podURLs
}
