package dataplane

import (
	"net"
	"strconv"

	"gameday.io/gameday/framework/provider"
	"k8s.io/apimachinery/pkg/types"

	"context"
	"log/slog"
	"sort"
	"sync"

	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"gameday.io/gameday/framework/traffic/gateway"
)

// EndpointSink receives a region's current endpoint set (the gateway).
type EndpointSink interface {
	SetEndpoints([]gateway.Endpoint) error
}

// endpointSync feeds a gateway from a Service's EndpointSlices, the way a
// mesh's control plane does: an endpoint is routable while the control
// plane lists it as ready, whatever has happened to its machine since.
type endpointSync struct {
	client    kubernetes.Interface
	namespace string
	service   string
	// resolve maps a ready endpoint to the address its server listens on.
	resolve func(ep discoveryv1.Endpoint, ports []discoveryv1.EndpointPort) (string, bool)
	sink    EndpointSink
	log     *slog.Logger

	mu      sync.Mutex
	slices  cache.Store
	last    []gateway.Endpoint
	restart context.CancelFunc
}

// run watches the Service's EndpointSlices until ctx ends; restartWatch
// makes it list anew (see Kubelet.RestartWatches).
func (e *endpointSync) run(ctx context.Context) {
	for ctx.Err() == nil {
		wctx, cancel := context.WithCancel(ctx)
		e.mu.Lock()
		e.restart = cancel
		e.mu.Unlock()
		e.watch(wctx)
		cancel()
	}
}

func (e *endpointSync) restartWatch() {
	e.mu.Lock()
	cancel := e.restart
	e.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (e *endpointSync) watch(ctx context.Context) {
	f := informers.NewSharedInformerFactoryWithOptions(e.client, 0, informers.WithNamespace(e.namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = discoveryv1.LabelServiceName + "=" + e.service }))
	inf := f.Discovery().V1().EndpointSlices().Informer()
	e.mu.Lock()
	e.slices = inf.GetStore()
	e.mu.Unlock()
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { e.resync() },
		UpdateFunc: func(any, any) { e.resync() },
		DeleteFunc: func(any) { e.resync() },
	})
	f.Start(ctx.Done())
	<-ctx.Done()
	f.Shutdown()
}

// resync recomputes the endpoint set and hands it to the sink when it changed.
func (e *endpointSync) resync() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.slices == nil {
		return
	}
	var eps []gateway.Endpoint
	for _, obj := range e.slices.List() {
		s := obj.(*discoveryv1.EndpointSlice)
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
				continue
			}
			if ep.TargetRef == nil || ep.TargetRef.Kind != "Pod" {
				continue
			}
			addr, ok := e.resolve(ep, s.Ports)
			if !ok {
				continue
			}
			g := gateway.Endpoint{Name: ep.TargetRef.Name, URL: "http://" + addr}
			if ep.Zone != nil {
				g.Zone = *ep.Zone
			}
			if ep.NodeName != nil {
				g.Node = *ep.NodeName
			}
			eps = append(eps, g)
		}
	}
	sort.Slice(eps, func(i, j int) bool { return eps[i].Name < eps[j].Name })
	if equalEndpoints(eps, e.last) {
		return
	}
	if err := e.sink.SetEndpoints(eps); err != nil {
		e.log.Warn("update gateway endpoints", "err", err)
		return
	}
	e.last = eps
	e.log.Debug("gateway endpoints", "count", len(eps))
}

func equalEndpoints(a, b []gateway.Endpoint) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hostedAddress resolves endpoints to the loopback servers a pod host runs.
func hostedAddress(pods provider.Pods) func(discoveryv1.Endpoint, []discoveryv1.EndpointPort) (string, bool) {
	return func(ep discoveryv1.Endpoint, _ []discoveryv1.EndpointPort) (string, bool) {
		return pods.Address(ep.TargetRef.UID)
	}
}

// podAddress resolves endpoints to their pod IP and the slice's port, as a
// mesh sidecar reaches a pod: the Service's targetPort resolved by the
// control plane (the slice's port for the Service's port).
func podAddress(svc types.NamespacedName) func(discoveryv1.Endpoint, []discoveryv1.EndpointPort) (string, bool) {
	return func(ep discoveryv1.Endpoint, ports []discoveryv1.EndpointPort) (string, bool) {
		if len(ep.Addresses) == 0 || len(ports) == 0 || ports[0].Port == nil {
			return "", false
		}
		return net.JoinHostPort(ep.Addresses[0], strconv.Itoa(int(*ports[0].Port))), true
	}
}
