// Package globallb is the reference platform's global load balancer in sim:
// one URL in front of every region's gateway, routing like DNS-based geo
// failover with the Istio DestinationRule's locality failover order.
//
// Routing of each request, by its client region (the X-Gameday-Client-Region
// header; without it, the primary region):
//  1. the client's own region while it is healthy: route "local";
//  2. else the failover target the rules name for the client region (From ->
//     To) while it is healthy: route "failover";
//  3. else the first healthy region in topology order (primary first): route
//     "fallback". When the named target does not exist (the reference's
//     us-east1 -> us-west1), the miss is counted per target in
//     Counters.MissingTarget; an unhealthy target or a client region without a
//     rule are counted too.
//  4. no healthy region: 503 with a body naming every region's state.
//
// The route taken is in the X-Gameday-Route response header. A request is
// forwarded once: DNS does not retry, so a region that died since the last
// health check costs its clients errors (503 "gateway unreachable") until the
// health checks notice.
//
// Health checks are DNS-style: every Interval the application's readiness
// is requested through each region's gateway (GET /v2/health/ready, which
// the gateway forwards to an endpoint, as a DNS health check reaches a
// backend); a region turns unhealthy after Threshold
// consecutive failures and healthy again after Threshold consecutive
// successes, so failover is not instant — it takes about Interval x Threshold,
// as with a DNS health check and its TTL. Start runs one check round first and
// takes its results as the initial states. The checkers stand outside every
// region (as a DNS provider's do), so a partition does not affect them.
//
// Partition (the inter-region partition fault): Partition(a, b) makes routing
// between the two regions fail — a client of region a sent to region b (or the
// reverse) gets 503 with a body naming the partition, instead of its answer.
// A 503 rather than a dropped connection is deliberate: in production each
// region has its own address, so a partition breaks only the cross-region
// connections; here every client shares the load balancer's keep-alive
// connections, and dropping them would also fail requests the partition does
// not touch. Routing does not avoid a partitioned region: DNS knows nothing of
// partitions, which is what makes the fault bite.
package globallb
