// Package harness wires the drill suites to an environment: it creates one
// (or reuses one given with -gameday.env), runs a scenario, attaches its
// evidence to Ginkgo's report and matches its objectives.
package harness

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/environment"
	"gameday.io/gameday/scenarios"
)

// Flags of every suite binary (gameday run passes them).
var (
	envName  = flag.String("gameday.env", "", "run against this environment (from gameday up) instead of creating one")
	stateDir = flag.String("gameday.state-dir", "", "gameday state directory (default $GAMEDAY_STATE_DIR or ~/.local/state/gameday)")
	profile  = flag.String("gameday.profile", string(framework.DefaultProfile), "timing profile of a created environment: production or fast")
	platform = flag.String("gameday.platform", "", `manifests a created environment deploys: reference (default), remediated, or a path`)
	binDir   = flag.String("gameday.bin-dir", "", "directory of the tool binaries (default: the repository's bin/)")
	retain   = flag.Bool("gameday.retain", false, "keep a created environment after the suite")
	seed     = flag.Uint64("gameday.seed", 1, "seed for the drills' random choices")
)

func store() environment.Store {
	if *stateDir != "" {
		return environment.Store{Root: *stateDir}
	}
	return environment.Store{Root: environment.DefaultRoot()}
}

// ProfileTimeouts returns the timings of the profile the suite runs with.
func ProfileTimeouts() framework.Timeouts {
	t, err := framework.TimeoutsFor(framework.Profile(*profile))
	if err != nil {
		t, _ = framework.TimeoutsFor(framework.DefaultProfile)
	}
	return t
}

// SetUp runs once per suite (first function of SynchronizedBeforeSuite):
// it returns the name of the environment to use, creating one when
// -gameday.env is not given and registering its teardown.
func SetUp(ctx SpecContext) []byte {
	if *envName != "" {
		return []byte(*envName)
	}
	p, err := framework.ParseProfile(*profile)
	if err != nil {
		Fail(err.Error())
	}
	name := "suite" + strconv.Itoa(os.Getpid()%100000)
	By(fmt.Sprintf("creating environment %s (profile %s)", name, p))
	rec, err := environment.Up(ctx, store(), environment.Options{
		Name: name, Profile: p, Platform: *platform, BinDir: *binDir, Ephemeral: true, Logger: logger(),
	})
	if err != nil {
		Fail(fmt.Sprintf("bring the environment up: %v", err))
	}
	DeferCleanup(func(ctx SpecContext) {
		if *retain {
			GinkgoWriter.Printf("keeping environment %s (-gameday.retain)\n", rec.Name)
			return
		}
		if err := environment.Down(ctx, store(), rec.Name, logger()); err != nil {
			Fail(fmt.Sprintf("tear down environment %s: %v", rec.Name, err))
		}
	}, NodeTimeout(2*time.Minute))
	return []byte(rec.Name)
}

// Connect runs on every process (second function of SynchronizedBeforeSuite).
func Connect(data []byte) *scenarios.Env {
	env, err := scenarios.Connect(store(), string(data), logger())
	if err != nil {
		Fail(fmt.Sprintf("open environment %s: %v", data, err))
	}
	return env
}

// Run runs a built-in drill and attaches its evidence to the report. It
// fails the spec only when the drill could not run; objectives are for the
// specs to assert.
func Run(ctx context.Context, env *scenarios.Env, name string) *scenarios.Result {
	s, err := scenarios.Builtin(name)
	if err != nil {
		Fail(err.Error())
	}
	res, err := scenarios.Run(ctx, env, s, scenarios.Options{Seed: *seed})
	if res != nil {
		AddReportEntry(scenarios.ReportEntry, res.Drill, ReportEntryVisibilityNever)
		AddReportEntry("drill "+name, summary(res), ReportEntryVisibilityAlways)
	}
	if err != nil {
		Fail(fmt.Sprintf("drill %s did not complete: %v", name, err))
	}
	return res
}

// Timeout is the spec timeout for a drill in this profile.
func Timeout(name string) time.Duration {
	s, err := scenarios.Builtin(name)
	if err != nil {
		return time.Hour
	}
	return s.Budget(ProfileTimeouts())
}

func logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func summary(r *scenarios.Result) string {
	s := fmt.Sprintf("verdict %s", r.Drill.Verdict)
	for _, o := range r.Drill.Objectives {
		got := "not measured"
		if o.Achieved != nil {
			got = fmt.Sprintf("%.3g %s", *o.Achieved, o.Unit)
		}
		s += fmt.Sprintf("\n  %-60s %-14s %-14s met=%v", o.Name, o.Requirement(), got, o.Met)
	}
	return s
}
