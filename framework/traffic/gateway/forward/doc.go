// Package forward is the HTTP plumbing shared by the regional gateway and the
// global load balancer: a transport tuned for many short loopback requests,
// building an upstream request with a replayable body, copying a response
// without its hop-by-hop headers, classifying upstream errors, JSON error
// answers, and a loopback server that can be stopped (connections refused at
// once) and started again on the same address — the region-outage fault.
package forward
