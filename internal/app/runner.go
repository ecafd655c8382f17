package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/scenarios"
)

// Options say what to run.
type Options struct {
	// Suites to run (names of scenarios.SuiteNames(); "all" or empty: all).
	Suites []string
	// LabelFilter is passed to Ginkgo (--ginkgo.label-filter).
	LabelFilter string
	// Env names an environment from `gameday up` to use; empty: create one.
	Env string
	// Profile, Platform and Provider of a created environment.
	Profile  framework.Profile
	Platform string
	// Workload is the created environment's entry workload ("" chooses).
	Workload string
	Provider string
	// Topology is a created environment's topology file ("": the default;
	// one naming existing clusters selects the existing provider).
	Topology string
	// AllowContexts allow-lists existing clusters' contexts for faults.
	AllowContexts []string
	// Monitoring runs the created environment with a real Prometheus,
	// Alertmanager and kube-state-metrics per region: the drills record the
	// platform's alerts.
	Monitoring bool
	// ReportDir receives the bundle (default gameday-reports/RUN-ID).
	ReportDir string
	// Retain keeps a created environment.
	Retain bool
	// Seed for the drills' random choices.
	Seed uint64
	// KeyFile signs the bundle (default: the state root's signing.key, created once).
	KeyFile string
	// BinDir holds gameday's binaries and suites/ (default environment.FindBinDir()).
	BinDir string
	Store  environment.Store
	// Out receives the suites' console output.
	Out    io.Writer
	Logger *slog.Logger
}

// Outcome is a finished run.
type Outcome struct {
	Evidence  *evidence.Evidence
	ReportDir string
	// Failed lists suites whose specs failed; Broken suites that could not run.
	Failed, Broken []string
}

// Run runs the suites and writes the report bundle, whatever happens to the
// drills. The error reports what stopped the run; missed objectives are in
// the outcome's verdict, not the error.
func Run(ctx context.Context, o Options) (*Outcome, error) {
	suites, err := o.complete()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	ev := evidence.New(evidence.NewRunID(start), start)
	ev.Profile = string(o.Profile)
	out := &Outcome{Evidence: ev, ReportDir: o.ReportDir}
	if out.ReportDir == "" {
		out.ReportDir = filepath.Join("gameday-reports", ev.RunID)
	}
	raw, err := os.MkdirTemp("", "gameday-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(raw)

	runErr := o.runSuites(ctx, suites, raw, ev, out)
	if runErr != nil {
		ev.Error = runErr.Error()
	}
	switch {
	case ctx.Err() != nil:
		ev.Aborted = evidence.NewAbort(evidence.AbortInterrupted, context.Cause(ctx).Error(), time.Now(), start)
	case len(out.Broken) > 0:
		ev.Aborted = evidence.NewAbort(evidence.AbortHarness, "suite "+strings.Join(out.Broken, ", ")+" could not complete (see the run error)", time.Now(), start)
	}
	// The report is written whatever happened, with a context the interrupt did not end.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if err := o.writeBundle(wctx, raw, ev, out); err != nil {
		return out, errors.Join(runErr, fmt.Errorf("write the report: %w", err))
	}
	return out, runErr
}

func (o *Options) complete() ([]string, error) {
	if o.Logger == nil {
		o.Logger = framework.DiscardLogger()
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Profile == "" {
		o.Profile = framework.DefaultProfile
	}
	if _, err := framework.ParseProfile(string(o.Profile)); err != nil {
		return nil, err
	}
	if o.BinDir == "" {
		o.BinDir = environment.FindBinDir()
	}
	if o.Store.Root == "" {
		o.Store = environment.Store{Root: environment.DefaultRoot()}
	}
	var suites []string
	for _, s := range o.Suites {
		for _, name := range strings.Split(s, ",") {
			switch {
			case name == "all":
				suites = append(suites, scenarios.SuiteNames()...)
			case slices.Contains(scenarios.SuiteNames(), name):
				suites = append(suites, name)
			default:
				return nil, fmt.Errorf("unknown suite %q (want one of %v or all): %w", name, scenarios.SuiteNames(), framework.ErrInvalid)
			}
		}
	}
	if len(suites) == 0 {
		suites = scenarios.SuiteNames()
	}
	slices.Sort(suites)
	suites = slices.Compact(suites)
	// Run in the documented order, not alphabetically.
	order := scenarios.SuiteNames()
	slices.SortFunc(suites, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	var missing []string
	for _, s := range suites {
		if _, err := os.Stat(suiteBinary(o.BinDir, s)); err != nil {
			missing = append(missing, "suites/"+s+".test")
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s not found in %s (run `make build`): %w", strings.Join(missing, ", "), o.BinDir, framework.ErrMissingBinary)
	}
	return suites, nil
}

func suiteBinary(binDir, suite string) string { return filepath.Join(binDir, "suites", suite+".test") }

// runSuites gets an environment and runs every suite against it.
func (o *Options) runSuites(ctx context.Context, suites []string, raw string, ev *evidence.Evidence, out *Outcome) error {
	name := o.Env
	if name == "" {
		name = "run" + strconv.Itoa(os.Getpid()%100000)
		o.Logger.Info("creating the environment", "env", name, "profile", o.Profile, "platform", platformName(o.Platform))
		_, err := environment.Up(ctx, o.Store, environment.Options{Name: name, Profile: o.Profile, Platform: o.Platform, Workload: o.Workload, Provider: o.Provider, TopologyFile: o.Topology, AllowContexts: o.AllowContexts, Monitoring: o.Monitoring, BinDir: o.BinDir, Retain: o.Retain, Ephemeral: true, Logger: o.Logger})
		if err != nil {
			return fmt.Errorf("bring the environment up: %w", err)
		}
		defer o.teardown(ctx, name)
	}
	rec, err := o.Store.Load(name)
	if err != nil {
		return err
	}
	describeEnvironment(ev, rec)
	if rec.Provider == provider.Existing {
		// Clusters gameday does not own: nothing is touched unless every
		// check passes for these suites' faults.
		if err := o.preflight(ctx, name, suites); err != nil {
			return err
		}
	}
	var errs []error
	for _, s := range suites {
		if ctx.Err() != nil {
			errs = append(errs, fmt.Errorf("interrupted before suite %s", s))
			break
		}
		o.Logger.Info("running suite", "suite", s, "env", name)
		code, err := o.runSuite(ctx, s, name, rec.Profile, raw)
		switch {
		case err != nil:
			out.Broken = append(out.Broken, s)
			errs = append(errs, fmt.Errorf("suite %s: %w", s, err))
		case code == 1:
			out.Failed = append(out.Failed, s)
		case code != 0:
			out.Broken = append(out.Broken, s)
			errs = append(errs, fmt.Errorf("suite %s exited %s (see its output above)", s, exitText(code)))
		}
		if err != nil || (code != 0 && code != 1) {
			// A suite that died could not revert its drill's fault.
			if err := o.recoverFaults(ctx, name); err != nil {
				errs = append(errs, err)
			}
		}
		if harnessFailed(filepath.Join(raw, s+".json")) {
			// The next drills would measure a broken harness.
			errs = append(errs, fmt.Errorf("the harness failed during suite %s: the suites after it were not run", s))
			break
		}
	}
	return errors.Join(errs...)
}

// preflight runs the environment's preflight for the suites' faults, prints
// it, and refuses (framework.ErrRefused) when anything is missing.
func (o *Options) preflight(ctx context.Context, name string, suites []string) error {
	kinds, err := scenarios.SuiteFaults(suites)
	if err != nil {
		return err
	}
	e, err := environment.Open(o.Store, name, o.Logger)
	if err != nil {
		return err
	}
	rep, err := e.Preflight(ctx, kinds)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "preflight of %s (provider %s):\n", name, e.Record.Provider)
	rep.Print(o.Out)
	if err := rep.Error(); err != nil {
		return fmt.Errorf("no drill was run: %w", err)
	}
	return nil
}

// harnessFailed reports whether a drill of the suite whose Ginkgo report is
// at path stopped because gameday's own harness failed.
func harnessFailed(path string) bool {
	drills, _ := drillsFrom(path)
	for _, d := range drills {
		if d.Aborted != nil && d.Aborted.Cause == evidence.AbortHarness {
			return true
		}
	}
	return false
}

// recoverFaults reverts the faults a suite that died left in effect.
func (o *Options) recoverFaults(ctx context.Context, name string) error {
	// Each revert is bounded by the environment's profile (Timeouts.Revert).
	rctx := context.WithoutCancel(ctx)
	done, err := environment.RevertLeftovers(rctx, o.Store, name, o.Logger)
	for _, f := range done {
		o.Logger.Warn("reverted a fault a broken suite left", "env", name, "fault", f.ID, "kind", f.Spec.Kind)
	}
	if err != nil {
		return fmt.Errorf("revert the faults a broken suite left in %s (gameday recover --name %s): %w", name, name, err)
	}
	return nil
}

func (o *Options) teardown(ctx context.Context, name string) {
	if o.Retain {
		o.Logger.Info("keeping the environment (--retain)", "env", name, "down", "gameday down --name "+name)
		return
	}
	// Down is bounded by the environment's profile (Timeouts.Teardown).
	if err := environment.Down(context.WithoutCancel(ctx), o.Store, name, o.Logger); err != nil {
		o.Logger.Error("tear down", "env", name, "err", err)
	}
}

// runSuite executes one suite binary; an interrupt is passed on as SIGINT so
// Ginkgo runs its cleanup (reverting the drill's fault) before exiting.
func (o *Options) runSuite(ctx context.Context, suite, env string, profile framework.Profile, raw string) (int, error) {
	s, err := scenarios.Builtin(scenarios.Suites[suite])
	if err != nil {
		return 0, fmt.Errorf("suite %s: %w", suite, err)
	}
	t, err := framework.TimeoutsFor(profile)
	if err != nil {
		return 0, err
	}
	args := []string{
		"-test.timeout", (s.Budget(t) + 5*time.Minute).String(),
		"-ginkgo.no-color", "-ginkgo.json-report", filepath.Join(raw, suite+".json"),
		"-ginkgo.junit-report", filepath.Join(raw, suite+"-junit.xml"),
		"-gameday.env", env, "-gameday.state-dir", o.Store.Root, "-gameday.profile", string(profile),
		"-gameday.seed", strconv.FormatUint(o.Seed, 10), "-gameday.bin-dir", o.BinDir,
	}
	if o.LabelFilter != "" {
		args = append(args, "-ginkgo.label-filter", o.LabelFilter)
	}
	cmd := exec.CommandContext(ctx, suiteBinary(o.BinDir, suite), args...)
	cmd.Stdout, cmd.Stderr = o.Out, o.Out
	cmd.Env = append(os.Environ(), environment.StateRootEnv+"="+o.Store.Root)
	// The suite gets one SIGINT, from here: in its own process group, a
	// terminal's Ctrl-C does not reach it too (Ginkgo takes a second
	// interrupt as "skip the cleanup", which would leave the fault and lose
	// the drill's evidence). It dies with gameday run (Pdeathsig, like the
	// storage servers): its environment is then an orphan for `recover`.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 3 * time.Minute
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	return 0, err
}

// exitText describes a suite's exit code: "2", "137 (killed by signal: killed)".
func exitText(code int) string {
	if code > 128 && code < 128+65 {
		return fmt.Sprintf("%d (killed by signal: %v)", code, syscall.Signal(code-128))
	}
	return strconv.Itoa(code)
}

func platformName(p string) string {
	if p == "" {
		return "reference"
	}
	return p
}

// mergeReports merges the suites' Ginkgo reports into one JSON and one JUnit file.
func mergeReports(raw string) (jsonPath, junitPath string, err error) {
	jsons, _ := filepath.Glob(filepath.Join(raw, "*.json"))
	junits, _ := filepath.Glob(filepath.Join(raw, "*-junit.xml"))
	if len(jsons) > 0 {
		jsonPath = filepath.Join(raw, "merged", "ginkgo-report.json")
		if err := os.MkdirAll(filepath.Dir(jsonPath), 0o755); err != nil {
			return "", "", err
		}
		if _, err := reporters.MergeAndCleanupJSONReports(jsons, jsonPath); err != nil {
			return "", "", fmt.Errorf("merge Ginkgo JSON reports: %w", err)
		}
	}
	if len(junits) > 0 {
		junitPath = filepath.Join(raw, "merged", "junit.xml")
		if err := os.MkdirAll(filepath.Dir(junitPath), 0o755); err != nil {
			return "", "", err
		}
		if _, err := reporters.MergeAndCleanupJUnitReports(junits, junitPath); err != nil {
			return "", "", fmt.Errorf("merge JUnit reports: %w", err)
		}
	}
	return jsonPath, junitPath, nil
}

// timeSince is time.Since, with the monotonic clock.
func timeSince(t time.Time) time.Duration { return time.Since(t) }

// DryRun plans the suites' faults against environment o.Env as their drills
// would and prints each plan (targets, steps, revert and, on existing
// clusters, the Chaos Mesh object) to w, after the same preflight Run does
// on clusters gameday does not own. Nothing is injected or changed.
func DryRun(ctx context.Context, o Options, w io.Writer) error {
	suites, err := o.complete()
	if err != nil {
		return err
	}
	if o.Env == "" {
		return fmt.Errorf("--dry-run plans against an environment: name it with --env (gameday up first): %w", framework.ErrInvalid)
	}
	rec, err := o.Store.Load(o.Env)
	if err != nil {
		return err
	}
	if rec.Provider == provider.Existing {
		o.Out = w
		if err := o.preflight(ctx, o.Env, suites); err != nil {
			return err
		}
	}
	env, err := scenarios.Connect(o.Store, o.Env, o.Logger)
	if err != nil {
		return err
	}
	for _, suite := range suites {
		s, err := scenarios.Builtin(scenarios.Suites[suite])
		if err != nil {
			return err
		}
		p, err := scenarios.PlanFault(ctx, env, s)
		if err != nil {
			return fmt.Errorf("suite %s: %w", suite, err)
		}
		fmt.Fprintf(w, "\nsuite %s, drill %s:\n", suite, s.Name)
		if p == nil {
			fmt.Fprintln(w, "  no fault (the drill measures without injecting one)")
			continue
		}
		p.Print(w)
	}
	return nil
}
