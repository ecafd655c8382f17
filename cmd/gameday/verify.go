package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"gameday.io/gameday/reports/bundle"
)

func newVerifyCmd() *cobra.Command {
	var (
		kf  keyFlags
		out outputFlag
	)
	cmd := &cobra.Command{
		Use:   "verify DIR",
		Short: "Check an evidence bundle's signature and every file's SHA-256",
		Long: `verify checks a run's evidence bundle: the DSSE envelope in attestation.intoto.jsonl,
its ed25519 signature (with the bundle's signing-key.pub, or the key given with
--pubkey), and that the in-toto statement lists every file of DIR with its SHA-256 and
nothing else. It prints each problem with the file behind it.
Exit codes: 0 verified, 1 a problem was found, 2 bad input (no such directory).`,
		Example: `  gameday verify runs/20261128T140000Z-9e07b2
  gameday verify runs/20261128T140000Z-9e07b2 --pubkey ci-signing.pub -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := kf.verifyOptions()
			if err != nil {
				return err
			}
			rep, err := bundle.Verify(cmd.Context(), args[0], opts...)
			if err != nil {
				return err
			}
			if out.format == "json" {
				err = writeJSON(cmd.OutOrStdout(), rep)
			} else {
				err = printVerify(cmd.OutOrStdout(), rep)
			}
			if err != nil {
				return err
			}
			if !rep.OK() {
				return fmt.Errorf("%s: %d problems: %w", rep.Dir, len(rep.Problems), bundle.ErrVerification)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kf.pubkey, "pubkey", "", "public key (PEM) the bundle must be signed with (default: the bundle's own signing-key.pub)")
	out.add(cmd, "text", "json")
	return cmd
}

func printVerify(w io.Writer, rep *bundle.Report) error {
	for _, f := range rep.Checked {
		fmt.Fprintf(w, "ok    %s\n", f)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "FAIL  %s\n", p)
	}
	if !rep.OK() {
		_, err := fmt.Fprintf(w, "%s does not verify: %d problems\n", rep.Dir, len(rep.Problems))
		return err
	}
	_, err := fmt.Fprintf(w, "%s verifies: %d files, signed by key %s, result %s\n", rep.Dir, len(rep.Checked), rep.KeyID, rep.Result)
	return err
}
