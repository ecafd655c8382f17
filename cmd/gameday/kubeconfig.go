package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newKubeconfigCmd() *cobra.Command {
	var (
		ef     envFlags
		region string
	)
	cmd := &cobra.Command{
		Use:     "kubeconfig",
		Short:   "Print the path of a region's kubeconfig",
		Long:    "Print the path of a kubeconfig for one region's cluster that plain kubectl uses.",
		Example: `  kubectl --kubeconfig "$(gameday kubeconfig --name demo --region europe-west1)" get nodes`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rec, err := store().Load(ef.name)
			if err != nil {
				return err
			}
			r, err := rec.Region(region)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), r.Kubeconfig)
			return err
		},
	}
	ef.add(cmd)
	cmd.Flags().StringVar(&region, "region", "", "region name (required)")
	_ = cmd.MarkFlagRequired("region")
	return cmd
}
