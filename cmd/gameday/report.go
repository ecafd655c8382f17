package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/reports/bundle"
)

// keyFlags pick the signing key and the key a bundle must already be signed with.
type keyFlags struct {
	key    string
	pubkey string
}

func (f *keyFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.key, "key", "", "ed25519 private key (PEM PKCS#8) to sign with; created there if the file does not exist (default: a new key, not saved)")
	cmd.Flags().StringVar(&f.pubkey, "pubkey", "", "public key (PEM) the bundle must already be signed with (default: the bundle's own signing-key.pub)")
}

// signingKey loads, creates or generates the key to sign with.
func (f *keyFlags) signingKey(log *slog.Logger) (*bundle.Key, error) {
	if f.key == "" {
		k, err := bundle.GenerateKey()
		if err != nil {
			return nil, err
		}
		log.Warn("signing with a new key that is not saved; pass --key FILE to keep one", "key", k.ID())
		return k, nil
	}
	k, created, err := bundle.LoadOrCreateKey(f.key)
	if err != nil {
		return nil, err
	}
	if created {
		log.Info("created a signing key", "file", f.key, "key", k.ID())
	}
	return k, nil
}

// verifyOptions pins --pubkey when given.
func (f *keyFlags) verifyOptions() ([]bundle.VerifyOption, error) {
	if f.pubkey == "" {
		return nil, nil
	}
	pem, _, err := bundle.ReadPublicKey(f.pubkey)
	if err != nil {
		return nil, err
	}
	return []bundle.VerifyOption{bundle.WithTrustedKey(pem)}, nil
}

func newReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Re-render, annotate and sign a run's evidence bundle",
		Long: `Every run writes an evidence bundle: evidence.json, report.html, summary.md, the
Ginkgo junit.xml and JSON report, signing-key.pub and attestation.intoto.jsonl (an
in-toto statement over every file, signed as a DSSE envelope with an ed25519 key).

report render re-renders report.html and summary.md from evidence.json (adding a
game-day record with --gameday) and re-signs; report sign records an approver's
sign-off and re-signs. Both verify the bundle first and refuse one that was changed
after signing. Check a bundle with gameday verify DIR.`,
	}
	cmd.AddCommand(newReportRenderCmd(), newReportSignCmd())
	return cmd
}

func newReportRenderCmd() *cobra.Command {
	var (
		kf      keyFlags
		gameDay string
	)
	cmd := &cobra.Command{
		Use:   "render DIR",
		Short: "Re-render report.html and summary.md from DIR/evidence.json and re-sign",
		Long: `render re-renders report.html and summary.md from DIR/evidence.json and re-signs
the bundle. With --gameday FILE it first records a game day (YAML or JSON):
participants, issues, remediation items (each with owner and due date) and the
next drill date. A changed game-day record drops an earlier sign-off.`,
		Example: `  gameday report render runs/20261128T140000Z-9e07b2 --gameday gameday.yaml --key ~/.config/gameday/signing.key

  # gameday.yaml
  title: Q4 regional failover game day
  participants: [{name: Amina Haddad, role: incident commander}]
  issues: [{id: GD-1, title: DR region lacks capacity, severity: error, drill: region-failover}]
  remediation: [{id: R-1, title: Scale europe-west1 to 10 replicas, owner: Jonas Berg, due: 2026-12-12, issue: GD-1}]
  nextDrill: 2027-02-24`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log := framework.Logger(cmd.Context())
			var g *evidence.GameDay
			if gameDay != "" {
				var err error
				if g, err = evidence.ReadGameDay(gameDay); err != nil {
					return err
				}
			}
			opts, err := kf.verifyOptions()
			if err != nil {
				return err
			}
			k, err := kf.signingKey(log)
			if err != nil {
				return err
			}
			res, dropped, err := bundle.Render(cmd.Context(), args[0], k, g, opts...)
			if err != nil {
				return err
			}
			if dropped {
				log.Warn("the game-day record changed: the earlier sign-off was dropped; sign off again with gameday report sign")
			}
			return printSigned(cmd, res)
		},
	}
	kf.add(cmd)
	cmd.Flags().StringVar(&gameDay, "gameday", "", "game-day record to add (YAML or JSON)")
	return cmd
}

func newReportSignCmd() *cobra.Command {
	var (
		kf       keyFlags
		approver string
		comment  string
	)
	cmd := &cobra.Command{
		Use:   "sign DIR --approver NAME",
		Short: "Record an approver's sign-off in a bundle and re-sign it",
		Long: `sign verifies the bundle, records NAME's sign-off with the current UTC time (and
--comment) in evidence.json, re-renders report.html and summary.md and re-signs the
bundle with --key. It refuses a bundle that does not verify.`,
		Example: `  gameday report sign runs/20261128T140000Z-9e07b2 --approver "Amina Haddad" --key approver.key`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := kf.verifyOptions()
			if err != nil {
				return err
			}
			k, err := kf.signingKey(framework.Logger(cmd.Context()))
			if err != nil {
				return err
			}
			res, err := bundle.SignOff(cmd.Context(), args[0], k, approver, comment, time.Now(), opts...)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "signed off by %s\n", approver)
			return printSigned(cmd, res)
		},
	}
	kf.add(cmd)
	cmd.Flags().StringVar(&approver, "approver", "", "name of the approver signing off (required)")
	cmd.Flags().StringVar(&comment, "comment", "", "approver's comment")
	_ = cmd.MarkFlagRequired("approver")
	return cmd
}

func printSigned(cmd *cobra.Command, res *bundle.Result) error {
	_, err := fmt.Fprintf(cmd.OutOrStdout(), "%s: %d files signed with key %s (verdict %s)\n", res.Dir, len(res.Files), res.KeyID, res.Verdict)
	return err
}
