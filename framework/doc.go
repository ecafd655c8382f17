// Package framework holds gameday's core types: the Environment and its
// Regions, the timing Profile with every duration in one Timeouts struct, and
// the logger plumbing. It imports none of its subpackages; the subpackages
// (topology, cluster, dataplane, storage, fault, load, measure, ...) import it.
package framework
