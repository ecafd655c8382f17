package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/onsi/ginkgo/v2/types"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/lint"
	"gameday.io/gameday/framework/topology"
	"gameday.io/gameday/reports/bundle"
	"gameday.io/gameday/scenarios"
)

// describeEnvironment records the environment, its topology, the fixtures
// it deploys (with their SHA-256) and what was adapted or found in them.
func describeEnvironment(ev *evidence.Evidence, rec *environment.Record) {
	ev.Environment = evidence.Environment{Name: rec.Name, Provider: rec.Provider, Regions: rec.RegionNames()}
	ev.Profile = string(rec.Profile)
	if d, err := evidence.HashFile(rec.Topology); err == nil {
		ev.Topology = evidence.Topology{File: rec.Topology, SHA256: d.SHA256}
		if t, err := topology.Load(rec.Topology); err == nil {
			ev.Topology.Name = t.Metadata.Name
		}
	}
	digests, err := fixtureDigests(rec.Platform)
	if err != nil {
		ev.Error = errors.Join(errorOf(ev.Error), err).Error()
	}
	ev.Fixtures = digests
	for _, a := range rec.Adaptations {
		ev.Findings = append(ev.Findings, evidence.Finding{ID: "adaptation", Severity: evidence.SeverityInfo,
			Message: fmt.Sprintf("%s: %s (%s)", a.Object, a.Change, a.Reason)})
	}
	if plat, _, err := environment.LoadPlatform(rec.Platform, rec.Workload); err == nil {
		opts := []lint.Option{}
		if t, err := topology.Load(rec.Topology); err == nil {
			opts = append(opts, lint.WithTopology(t))
		}
		if rep, err := lint.Lint(context.Background(), plat, opts...); err == nil {
			for _, f := range rep.Findings {
				if f.Severity == lint.SeverityInfo {
					continue
				}
				ev.Findings = append(ev.Findings, evidence.Finding{ID: "lint/" + f.Rule, Severity: evidence.Severity(f.Severity),
					Message: f.Message, Evidence: f.Position.String()})
			}
		}
	}
}

// fixtureDigests hashes the manifest files a platform source names. The
// evidence must say what was drilled, so a file that cannot be read is an
// error, not a missing digest.
func fixtureDigests(source string) ([]evidence.FileDigest, error) {
	dir := map[string]string{"": "reference", "reference": "reference", "remediated": "remediated", "second": "second"}[source]
	var out []evidence.FileDigest
	if dir != "" {
		err := fs.WalkDir(fixtures.FS(), dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fixtures.FS(), p)
			if err != nil {
				return err
			}
			out = append(out, evidence.HashBytes("fixtures/"+p, b))
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("digest the embedded %s manifests: %w", dir, err)
		}
		return out, nil
	}
	var files []string
	err := filepath.WalkDir(source, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && slices.Contains([]string{".yaml", ".yml", ".json"}, filepath.Ext(p)) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("digest the manifests in %s: %w", source, err)
	}
	return evidence.HashFiles(files...)
}

// drillsFrom reads every drill's evidence from a merged Ginkgo JSON report.
func drillsFrom(path string) ([]evidence.Drill, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reps []types.Report
	if err := json.Unmarshal(b, &reps); err != nil {
		return nil, fmt.Errorf("read Ginkgo report %s: %w", path, err)
	}
	var out []evidence.Drill
	for _, r := range reps {
		for _, s := range r.SpecReports {
			for _, e := range s.ReportEntries {
				if e.Name != scenarios.ReportEntry {
					continue
				}
				var d evidence.Drill
				if err := json.Unmarshal([]byte(e.Value.AsJSON), &d); err != nil {
					return nil, fmt.Errorf("drill evidence in %s: %w", path, err)
				}
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// writeBundle assembles the evidence and writes the signed bundle.
func (o *Options) writeBundle(ctx context.Context, raw string, ev *evidence.Evidence, out *Outcome) error {
	jsonPath, junitPath, err := mergeReports(raw)
	if err != nil {
		return err
	}
	if jsonPath != "" {
		drills, err := drillsFrom(jsonPath)
		if err != nil {
			return err
		}
		ev.Drills = append(ev.Drills, drills...)
	}
	// Drills in run order (the merged report is not).
	order := map[string]int{}
	for i, suite := range scenarios.SuiteNames() {
		order[scenarios.Suites[suite]] = i
	}
	slices.SortStableFunc(ev.Drills, func(a, b evidence.Drill) int { return order[a.Scenario] - order[b.Scenario] })
	for _, d := range ev.Drills {
		ev.Scenarios = append(ev.Scenarios, d.Scenario)
	}
	if len(ev.Drills) == 0 && ev.Error == "" {
		ev.Error = "no drill ran (check --label-filter)"
	}
	ev.End = ev.Start.Add(timeSince(ev.Start))
	ev.Finalize()
	key, err := o.signingKey()
	if err != nil {
		return err
	}
	red := evidence.NewRedactor()
	if creds, err := o.Store.LoadCredentials(ev.Environment.Name); err == nil {
		red.AddValues(creds.AccessKey, creds.SecretKey)
	}
	opts := []bundle.Option{bundle.WithKey(key), bundle.WithRedactor(red)}
	if jsonPath != "" {
		opts = append(opts, bundle.WithGinkgoJSON(jsonPath))
	}
	if junitPath != "" {
		opts = append(opts, bundle.WithJUnit(junitPath))
	}
	_, err = bundle.Write(ctx, out.ReportDir, ev, opts...)
	return err
}

// signingKey loads --key, or the state root's key (created on first use).
func (o *Options) signingKey() (*bundle.Key, error) {
	if o.KeyFile != "" {
		return bundle.ReadKey(o.KeyFile)
	}
	k, created, err := bundle.LoadOrCreateKey(filepath.Join(o.Store.Root, "signing.key"))
	if created {
		o.Logger.Info("created a signing key for report bundles", "key", filepath.Join(o.Store.Root, "signing.key"), "id", k.ID())
	}
	return k, err
}

// errorOf turns a recorded error message back into an error (nil when empty).
func errorOf(msg string) error {
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}
