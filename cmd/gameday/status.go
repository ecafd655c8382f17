package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/monitoring"
)

// outputFlag is -o text|json.
type outputFlag struct{ format string }

func (o *outputFlag) add(cmd *cobra.Command, formats ...string) {
	cmd.Flags().StringVarP(&o.format, "output", "o", formats[0], fmt.Sprintf("output format: %v", formats))
	cmd.PreRunE = func(*cobra.Command, []string) error {
		for _, f := range formats {
			if o.format == f {
				return nil
			}
		}
		return fmt.Errorf("unknown output format %q (want one of %v): %w", o.format, formats, framework.ErrInvalid)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newStatusCmd() *cobra.Command {
	var (
		env environment.Store
		ef  envFlags
		out outputFlag
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show an environment's regions, nodes Ready per zone and GPUs",
		Long: `Show an environment's regions, nodes Ready per zone, allocatable GPUs and the
global inference URL; with monitoring (up --monitoring), each region's Prometheus
and Alertmanager URLs and the alerts pending or firing now. With -o json the
same as a document (.url, .regions[], .regions[].monitoring.alerts[]).
Exits 1 when a region is unreachable, the environment is not ready, or a
region has fewer Ready inference replicas than desired (the reasons are listed).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env = store()
			rec, err := env.Load(ef.name)
			if err != nil {
				return err
			}
			st := environment.GetStatus(cmd.Context(), rec)
			if out.format == "json" {
				if err := writeJSON(cmd.OutOrStdout(), st); err != nil {
					return err
				}
			} else {
				printStatus(cmd.OutOrStdout(), st)
			}
			return statusError(st)
		},
	}
	ef.add(cmd)
	out.add(cmd, "text", "json")
	return cmd
}

// statusError makes status exit non-zero when the environment is unhealthy.
func statusError(st *environment.Status) error {
	if st.Phase != environment.PhaseReady {
		return fmt.Errorf("environment %s is %s", st.Name, st.Phase)
	}
	for _, r := range st.Regions {
		if !r.Reachable {
			return fmt.Errorf("region %s: %s", r.Name, r.Error)
		}
		if i := r.Inference; i != nil && (i.Ready < i.Desired || i.Error != "") {
			return fmt.Errorf("region %s: %d/%d inference replicas ready", r.Name, i.Ready, i.Desired)
		}
	}
	return nil
}

func printStatus(w io.Writer, st *environment.Status) {
	fmt.Fprintf(w, "environment %s: %s (provider %s, profile %s)\n", st.Name, st.Phase, st.Provider, st.Profile)
	if st.Error != "" {
		fmt.Fprintf(w, "  last error: %s\n", st.Error)
	}
	if st.URL != "" {
		fmt.Fprintf(w, "  url: %s\n", st.URL)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tROLE\tZONE\tNODES READY\tGPUS")
	for _, r := range st.Regions {
		if !r.Reachable {
			fmt.Fprintf(tw, "%s\t%s\t-\tunreachable: %s\t-\n", r.Name, r.Role, r.Error)
			continue
		}
		for _, z := range r.Zones {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%d\n", r.Name, r.Role, z.Name, z.Ready, z.Nodes, z.GPUs)
		}
	}
	tw.Flush()
	printInference(w, st)
	printAlerts(w, st)
}

// printInference lists each region's inference service, when it has one.
func printInference(w io.Writer, st *environment.Status) {
	var inf bool
	for _, r := range st.Regions {
		inf = inf || r.Inference != nil
	}
	if !inf {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tREPLICAS READY\tGATEWAY ENDPOINTS\tEJECTED\tGLOBAL LB")
	for _, r := range st.Regions {
		if i := r.Inference; i != nil {
			lb := "healthy"
			if !i.Healthy {
				lb = "unhealthy"
			}
			fmt.Fprintf(tw, "%s\t%d/%d\t%d\t%d\t%s\n", r.Name, i.Ready, i.Desired, i.Endpoints, len(i.Ejected), lb)
		}
	}
	tw.Flush()
	for _, r := range st.Regions {
		if i := r.Inference; i != nil {
			if i.Error != "" {
				fmt.Fprintf(w, "  %s: %s\n", r.Name, i.Error)
			}
			for _, u := range i.Unready {
				fmt.Fprintf(w, "  %s: pod %s not ready: %s\n", r.Name, u.Pod, u.Reason)
			}
		}
	}
}

// printAlerts lists each region's monitoring and the alerts it holds
// pending or firing.
func printAlerts(w io.Writer, st *environment.Status) {
	var mon []environment.RegionStatus
	for _, r := range st.Regions {
		if r.Monitoring != nil {
			mon = append(mon, r)
		}
	}
	if len(mon) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, r := range mon {
		m := r.Monitoring
		fmt.Fprintf(w, "%s: prometheus %s  alertmanager %s\n", r.Name, m.PrometheusURL, m.AlertmanagerURL)
		if m.Error != "" {
			fmt.Fprintf(w, "  %s\n", m.Error)
		}
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tALERT\tSTATE\tSINCE\tLABELS")
	n := 0
	for _, r := range mon {
		for _, a := range r.Monitoring.Alerts {
			n++
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, a.Name, a.State, a.Since.UTC().Format(time.TimeOnly), monitoring.LabelList(a.Labels))
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "no alert pending or firing")
	} else {
		tw.Flush()
	}
	// What the platform's Sensor did with the alerts, oldest first.
	for _, r := range mon {
		for _, a := range r.Monitoring.Automation {
			fmt.Fprintf(w, "%s %s: Sensor %s, alert %s: %s\n", a.At.UTC().Format(time.TimeOnly), r.Name, a.Sensor, a.Alert, a)
		}
	}
}
