// Package sim is the Docker-free cluster provider: one real Kubernetes
// control plane per region (etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler built from source, run as local processes by
// `kwokctl --runtime binary`) with kwok-simulated GPU nodes.
//
// Scheduling, PodDisruptionBudgets and evictions, Deployments, node lifecycle
// and taint-based eviction are the real controllers. kwok keeps the nodes
// alive (leases and status) and plays pod lifecycles, except for pods labelled
// LabelDataPlane, which it leaves to gameday's data plane, the way a kubelet
// owns its pods. A node whose kwok annotation is set to AnnotationDown stops
// heartbeating; the control plane notices on its own timers.
package sim
