package environment

import (
	"context"
	"fmt"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/preflight"
	"gameday.io/gameday/framework/provider"
)

// Preflight checks, in every region, that drills with faults of kinds can
// run on the environment's clusters: reachable, the namespace opted in, the
// workload under test with its PodDisruptionBudget and Services, the API
// permissions measuring and the faults need (SelfSubjectAccessReviews), Chaos
// Mesh and chaos-daemon where the faults use them, and the clocks. A kind
// the provider cannot carry out is a failed check "fault" of its own.
func (e *Env) Preflight(ctx context.Context, kinds []fault.Kind, opts ...preflight.Option) (preflight.Report, error) {
	if len(e.Workloads) == 0 {
		return preflight.Report{}, fmt.Errorf("environment %s: the platform has no workload to check", e.Record.Name)
	}
	w := e.Workloads[0]
	target := e.FaultTarget(FaultOptions{})
	needs := fault.NeedsFor(kinds, w.Namespace, target)
	if cf, ok := e.Provider.(provider.ChaosMeshFaults); ok {
		opts = append([]preflight.Option{preflight.WithChaosControllerNamespaces(cf.ChaosMeshNamespaces()...)}, opts...)
	}
	var regions []preflight.Region
	for _, r := range e.Record.Regions {
		cfg, err := clientcmd.BuildConfigFromFlags("", r.Kubeconfig)
		if err != nil {
			return preflight.Report{}, fmt.Errorf("region %s: load kubeconfig %s: %w", r.Name, r.Kubeconfig, err)
		}
		dyn, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return preflight.Report{}, fmt.Errorf("region %s: %w", r.Name, err)
		}
		pr := preflight.Region{
			Name: r.Name, Client: e.Clients[r.Name], Dynamic: dyn, Config: cfg,
			Namespace: w.Namespace, Deployment: w.Deployment.Name,
			Access:     append(fault.MeasureAccess(w.Namespace), needs.Access...),
			ChaosKinds: needs.ChaosKinds, ChaosDaemon: needs.ChaosDaemon,
		}
		if w.PDB != nil {
			pr.PDBs = []string{w.PDB.Name}
		}
		for _, s := range w.Services {
			pr.Services = append(pr.Services, s.Name)
		}
		regions = append(regions, pr)
	}
	rep := preflight.Run(ctx, regions, opts...)
	for _, r := range needs.Refused {
		rep.Checks = append(rep.Checks, preflight.Check{Name: "fault", Detail: "refused: " + r})
	}
	return rep, nil
}
