package framework

// HTTP headers shared by the inference server, the gateways, the global load
// balancer and the load generator.
const (
	// HeaderClientRegion names the region a client request comes from; the
	// global load balancer routes it to that region while it is healthy.
	HeaderClientRegion = "X-Gameday-Client-Region"
	// HeaderRegion, HeaderZone, HeaderNode and HeaderPod name what served a
	// response; the inference server sets them.
	HeaderRegion = "X-Gameday-Region"
	HeaderZone   = "X-Gameday-Zone"
	HeaderNode   = "X-Gameday-Node"
	HeaderPod    = "X-Gameday-Pod"
	// HeaderRoute is set by the global load balancer: "local", "failover",
	// or "fallback" when the failover target named by the DestinationRule does
	// not exist and another healthy region took the traffic.
	HeaderRoute = "X-Gameday-Route"
)
