// Package provider is the one interface every environment backend sits
// behind: sim (kwok control planes, simulated GPU nodes), kind (real
// kubelets in containers) and existing (kubeconfig contexts of real
// clusters). A provider creates and deletes one cluster per region; what
// else it can do is an optional ability (stop nodes, stop a control plane,
// adapt the manifests, host pods), found by type assertion, so a fault
// asks for what it needs and is refused with the reason when the provider
// lacks it.
//
// Providers register by name from their package's init; the registry
// package framework/provider/providers imports them all. Nothing else
// imports a provider's package.
package provider
