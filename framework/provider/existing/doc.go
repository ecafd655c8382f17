// Package existing is gameday's provider for clusters it did not create:
// staging fleets named, per region, by a context of the user's kubeconfig.
//
// Create adopts a cluster: it checks that the context exists and answers and
// that every zone of the topology has nodes, and writes a kubeconfig of that
// one context (credentials inlined) into the environment's state directory,
// so kubectl, the drills and `gameday kubeconfig` use the user's cluster
// exactly as they use a created one. Nothing is created in the cluster, and
// Delete only forgets it: `gameday down` never deletes a user's cluster.
//
// The provider has none of the optional abilities that stop machines: on a
// cluster it does not own, faults are Chaos Mesh objects (framework/chaosmesh)
// or Kubernetes API calls (drain, pod kill), and a fault with neither is
// refused with the reason (framework/fault).
package existing
