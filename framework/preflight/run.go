package preflight

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
)

// Run checks every region concurrently, each under the timeout, and returns
// their checks: a region's in a fixed order, the regions in input order.
func Run(ctx context.Context, regions []Region, opts ...Option) Report {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return Report{Checks: []Check{{Name: "options", Detail: oneLine(err.Error())}}, invalid: err}
		}
	}
	per := make([][]Check, len(regions))
	var wg sync.WaitGroup
	for i, r := range regions {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
			defer cancel()
			per[i] = (&regionRun{Region: r, cfg: cfg}).checks(ctx)
		})
	}
	wg.Wait()
	var rep Report
	for _, cs := range per {
		rep.Checks = append(rep.Checks, cs...)
	}
	return rep
}

// regionRun carries what one region's checks share.
type regionRun struct {
	Region
	cfg config
	// dep is the workload, read by the workload check (nil if it failed).
	dep *appsv1.Deployment
}

// step is one check; it returns no Check when it does not apply.
type step struct {
	name string
	run  func(context.Context) []Check
}

func (rr *regionRun) checks(ctx context.Context) []Check {
	first, ok := rr.reachable(ctx)
	out := []Check{first}
	if !ok {
		return out
	}
	steps := []step{
		{"namespace-label", rr.namespaceLabel},
		{"workload", rr.workload},
		{"pdb", rr.pdbs},
		{"service", rr.services},
		{"rbac", rr.rbac},
		{"chaos-mesh", rr.chaosMesh},
		{"chaos-daemon", rr.chaosDaemon},
		{"clock-skew", rr.clockSkew},
	}
	for i, s := range steps {
		if err := context.Cause(ctx); err != nil {
			var left []string
			for _, l := range steps[i:] {
				left = append(left, l.name)
			}
			hint := ""
			if errors.Is(err, context.DeadlineExceeded) {
				hint = fmt.Sprintf(" (region timeout %s: raise it, or find why the API server is slow)", rr.cfg.timeout)
			}
			out = append(out, rr.fail("stopped", "checks %s not run: %v%s", strings.Join(left, ", "), err, hint))
			break
		}
		out = append(out, s.run(ctx)...)
	}
	return out
}

func (rr *regionRun) pass(name, format string, args ...any) Check {
	return Check{Region: rr.Name, Name: name, OK: true, Detail: oneLine(fmt.Sprintf(format, args...))}
}

func (rr *regionRun) fail(name, format string, args ...any) Check {
	return Check{Region: rr.Name, Name: name, Detail: oneLine(fmt.Sprintf(format, args...))}
}

// oneLine folds a multi-line message (a joined error) into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")), " ")
}
