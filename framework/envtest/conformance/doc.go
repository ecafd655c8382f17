// Package conformance holds the tests of what `gameday up` promises about
// an environment, written with sigs.k8s.io/e2e-framework: every region's
// nodes as the topology says (zones, GPUs), every workload of the platform
// available with the Service and PDB that relate to it, and the global
// endpoint serving. It runs on the second platform, whose names share
// nothing with the reference's. It has only tests (go test -short skips
// them: they bring up an environment).
package conformance
