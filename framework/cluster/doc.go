// Package cluster holds helpers every provider and the data plane share:
// Kubernetes clients and node readiness, local processes followed by
// identity (PID and start time), and the machine-wide port registry. The
// providers themselves are in framework/provider.
package cluster
