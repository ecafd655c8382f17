package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/dataplane"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/provider"
)

func newUpCmd() *cobra.Command {
	var (
		env     envFlags
		o       environment.Options
		profile string
	)
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create a multi-region environment (default provider: sim)",
		Long: `Create one Kubernetes cluster per region of the topology, with simulated GPU
nodes, and wait until every node is Ready.

The sim provider runs a real control plane per region (etcd, kube-apiserver,
kube-controller-manager, kube-scheduler, built by ` + "`make tools`" + `) with kwok
nodes, as local processes on loopback. State lives in $GAMEDAY_STATE_DIR
(default ~/.local/state/gameday/NAME). If a previous ` + "`up`" + ` of the same name
did not finish, its leftovers are removed first. On failure everything created
is torn down, unless --retain.

The kind provider creates one kind cluster per region instead (Docker, real
kubelets v1.37.2, one node container per topology node, nodes advertising
nvidia.com/gpu): the platform's pods run as real containers of gameday's
inference server, probed by the kubelet, and a lost node is a paused
container. It needs a Docker engine and the images ` + "`make kind-images`" + ` builds
(hack/kind/ensure-docker.sh starts an engine on a machine without one).

A topology that names each region's cluster (regions[].cluster.context, and an
existing section with the URL clients call) adopts clusters gameday did not
create instead (provider existing): nothing is created in them, the preflight
checks what every drill needs, and faults touch them only when their contexts
are allow-listed (--allow-context or existing.allowContexts) and the platform's
namespace is labelled gameday.io/chaos=enabled. See README "Drilling an
existing cluster".

Providers (--provider):
` + providerHelp(),
		Example: `  gameday up --name demo --profile fast
  kubectl --kubeconfig "$(gameday kubeconfig --name demo --region europe-west1)" get nodes
  gameday up --name k --provider kind --profile fast
  gameday up --name staging --topology staging.yaml --allow-context staging-us,staging-eu`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := framework.ParseProfile(profile)
			if err != nil {
				return err
			}
			o.Name, o.Profile, o.Logger = env.name, p, framework.Logger(cmd.Context())
			rec, err := environment.Up(cmd.Context(), store(), o)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if rec.Provider == provider.Existing {
				if err := adoptionPreflight(cmd, rec.Name); err != nil {
					return err
				}
			}
			fmt.Fprintf(out, "environment %s is ready (profile %s)\n", rec.Name, rec.Profile)
			for _, r := range rec.Regions {
				fmt.Fprintf(out, "  %-14s %-7s kubeconfig %s\n", r.Name, r.Role, r.Kubeconfig)
			}
			if rec.URL != "" {
				fmt.Fprintf(out, "global inference URL: %s\n", rec.URL)
			}
			if rec.Monitoring {
				printMonitoring(cmd.Context(), out, rec)
			}
			return nil
		},
	}
	env.add(cmd)
	cmd.Flags().StringVar(&o.TopologyFile, "topology", "", "topology file (default: the embedded fixtures/topologies/two-region.yaml)")
	cmd.Flags().StringVar(&o.Provider, "provider", "", "environment provider: "+strings.Join(provider.Names(), ", ")+" (default "+provider.Default+"; existing for a topology naming clusters)")
	cmd.Flags().StringSliceVar(&o.AllowContexts, "allow-context", nil, "existing provider: kubeconfig contexts faults may touch, recorded with the environment (besides the topology's existing.allowContexts)")
	cmd.Flags().StringVar(&profile, "profile", string(framework.DefaultProfile), "timing profile: production or fast")
	cmd.Flags().BoolVar(&o.Retain, "retain", false, "keep what was created when up fails, for debugging")
	cmd.Flags().StringVar(&o.Platform, "platform", "", `manifests to deploy: "reference" (default, the seed as written), "remediated", "second" (another team's platform, two workloads), or a file or directory`)
	cmd.Flags().StringVar(&o.Workload, "workload", "", "the platform's entry workload, the Deployment clients call (name or namespace/name); default: the only one, else the one behind a LoadBalancer or NodePort Service, else behind a gateway's VirtualService, else the first")
	cmd.Flags().BoolVar(&o.Monitoring, "monitoring", false, "run a real Prometheus (the platform's PrometheusRules, for: scaled by the profile), Alertmanager and kube-state-metrics per region; their URLs are printed")
	cmd.Flags().BoolVar(&o.Bare, "bare", false, "create the clusters only (no platform, no data plane)")
	cmd.Flags().StringVar(&o.BinDir, "bin-dir", "", "directory of the tool binaries (default: next to gameday, or ./bin)")
	return cmd
}

func newDownCmd() *cobra.Command {
	var (
		env     envFlags
		orphans bool
	)
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Delete an environment and everything it started",
		Long: `Stop every process the environment started, delete its clusters and remove its
state directory. Deleting an environment that does not exist succeeds.

For existing clusters (provider existing) nothing is deleted but what gameday
left there: open faults are reverted (cordons lifted, Chaos Mesh objects
deleted) and every Chaos Mesh object labelled with the environment is removed;
then the clusters are forgotten. If that cannot be done (a cluster does not
answer), the state is kept and down says why: retry when it answers.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if orphans {
				return downOrphans(cmd)
			}
			if err := environment.ValidateName(env.name); err != nil {
				return err
			}
			if err := environment.Down(cmd.Context(), store(), env.name, framework.Logger(cmd.Context())); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "environment %s is down\n", env.name)
			return nil
		},
	}
	env.add(cmd)
	cmd.Flags().BoolVar(&orphans, "orphans", false, "tear down every environment whose owner process died (see gameday ls)")
	return cmd
}

// providerHelp lists the registered providers for --help.
func providerHelp() string {
	var b strings.Builder
	for _, r := range provider.Registrations() {
		fmt.Fprintf(&b, "  %-9s %s\n", r.Name, r.Doc)
	}
	return b.String()
}

// printMonitoring prints where each region's Prometheus and Alertmanager
// answer, as the data plane reports them.
func printMonitoring(ctx context.Context, out io.Writer, rec *environment.Record) {
	if rec.AgentURL == "" {
		return
	}
	st, err := dataplane.NewClient(rec.AgentURL).Status(ctx)
	if err != nil {
		fmt.Fprintf(out, "monitoring: %v\n", err)
		return
	}
	for _, r := range st.Regions {
		if m := r.Monitoring; m != nil {
			fmt.Fprintf(out, "  %-14s prometheus %s  alertmanager %s\n", r.Name, m.PrometheusURL, m.AlertmanagerURL)
		}
	}
}

// adoptionPreflight checks what every drill needs on freshly adopted
// clusters (reachable, namespace opted in, workload, PDB, Services, the
// permissions to measure, clocks); on a failure the environment is
// forgotten again and the refusal returned (exit 2).
func adoptionPreflight(cmd *cobra.Command, name string) error {
	log := framework.Logger(cmd.Context())
	e, err := environment.Open(store(), name, log)
	if err != nil {
		return err
	}
	rep, err := e.Preflight(cmd.Context(), nil)
	if err == nil {
		err = rep.Error()
	}
	fmt.Fprintf(cmd.OutOrStdout(), "preflight of %s (what every drill needs; gameday preflight --suite checks the faults):\n", name)
	rep.Print(cmd.OutOrStdout())
	if err == nil {
		return nil
	}
	if derr := environment.Down(context.WithoutCancel(cmd.Context()), store(), name, log); derr != nil {
		return errors.Join(err, derr)
	}
	return fmt.Errorf("environment %s not recorded: %w", name, err)
}
