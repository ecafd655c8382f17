package scenarios

import (
	"context"
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/backup"
	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/fault"
	"gameday.io/gameday/framework/load"
	"gameday.io/gameday/framework/measure"
	"gameday.io/gameday/framework/measure/objectives"
	"gameday.io/gameday/framework/sensor"
	"gameday.io/gameday/framework/supervise"
	"gameday.io/gameday/framework/timer"
	"gameday.io/gameday/framework/topology"
)

// ReportEntry is the name of the Ginkgo report entry in which suites attach
// a drill's evidence.Drill; `gameday run` collects them from the JSON report.
const ReportEntry = "gameday.drill"

// Options tune a run.
type Options struct {
	// Progress receives the load's per-second progress.
	Progress func(load.Progress)
	// Seed makes random choices repeatable.
	Seed uint64
}

// Result is a drill's outcome: the evidence record reports render, and the
// typed measurements suites assert on.
type Result struct {
	Scenario *Scenario      `json:"scenario"`
	Drill    evidence.Drill `json:"drill"`
	// Measurements (nil when the drill did not produce them).
	RTO      *measure.RTOResult                  `json:"rto,omitempty"`
	Failover *measure.FailoverResult             `json:"failover,omitempty"`
	PDB      *measure.PDBResult                  `json:"pdb,omitempty"`
	Capacity map[string][]measure.CapacitySample `json:"capacity,omitempty"`
	// Workloads is what the drill measured of each workload under test,
	// the entry first (PDB and Capacity above are the entry's).
	Workloads []objectives.Workload `json:"workloads,omitempty"`
	RPO       *backup.DrillsReport  `json:"rpo,omitempty"`
	Fault     *fault.Entry          `json:"fault,omitempty"`
	Timeline  *load.Timeline        `json:"-"`
}

// Passed reports whether every objective was met and the drill ran cleanly.
func (r *Result) Passed() bool { return r.Drill.Verdict == evidence.VerdictPass }

// Run executes a scenario against env. The fault is always reverted and the
// runbook's changes undone (scaled Deployments restored), also when the
// drill fails or ctx ends; the result is returned whenever a drill ran, with
// the error that stopped it, if any, recorded in it.
//
// The drill runs under supervision of gameday's own harness (the processes
// the environment runs, the load generator): when a part fails, the drill
// stops, reverts, and its result says the harness failed and when, with no
// objective met or missed; the error is the *supervise.Failure. When ctx
// ends (an interrupt), the result says the drill was interrupted.
func Run(ctx context.Context, env *Env, s *Scenario, o Options) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	checks, err := env.HarnessChecks()
	if err != nil {
		f := &supervise.Failure{Check: "environment " + env.Record.Name, Err: err, At: start}
		res := &Result{Scenario: s, Drill: evidence.Drill{Name: s.Name, Scenario: s.Name, Description: s.Description, Start: start.UTC(), End: start.UTC()}}
		res.Drill.Aborted = evidence.NewAbort(evidence.AbortHarness, f.Check+": "+err.Error(), start, start)
		finish(&res.Drill)
		return res, f
	}
	sctx, sup, err := supervise.Start(ctx, supervise.Options{Logger: env.Logger}, checks...)
	if err != nil {
		return nil, err
	}
	var res *Result
	if s.Type == TypeRPO {
		res, err = runRPO(sctx, env, s, o)
	} else {
		res, err = runTraffic(sctx, env, s, o, sup)
	}
	sup.Stop()
	return res, aborted(ctx, res, sup, err)
}

// aborted records in res why the drill stopped early, if it did: a harness
// failure (which is then the error), or the end of ctx (an interrupt).
func aborted(ctx context.Context, res *Result, sup *supervise.Supervisor, err error) error {
	d := &res.Drill
	switch f := sup.Failure(); {
	case f != nil:
		d.Aborted = evidence.NewAbort(evidence.AbortHarness, f.Check+": "+f.Err.Error(), f.At, d.Start)
		err = f
	case ctx.Err() != nil:
		d.Aborted = evidence.NewAbort(evidence.AbortInterrupted, "stopped before the drill ended ("+context.Cause(ctx).Error()+")", time.Now(), d.Start)
	default:
		return err
	}
	if err != nil {
		d.Error = err.Error()
	}
	finish(d)
	return err
}

// runTraffic runs a drill that measures the platform under load.
func runTraffic(ctx context.Context, env *Env, s *Scenario, o Options, sup *supervise.Supervisor) (*Result, error) {
	d := &drill{env: env, s: s, o: o, res: &Result{Scenario: s, Capacity: map[string][]measure.CapacitySample{}},
		log: env.Logger.With("drill", s.Name), sup: sup}
	d.rb = &runbook{env: env, log: d.log, name: s.Name, restore: map[scaled]int32{}}
	d.res.Drill = evidence.Drill{Name: s.Name, Scenario: s.Name, Description: s.Description, Start: time.Now().UTC()}
	err := d.run(ctx)
	d.cleanup(ctx)
	if err != nil {
		d.res.Drill.Error = err.Error()
	}
	d.evaluate()
	d.res.Drill.End = time.Now().UTC()
	finish(&d.res.Drill)
	return d.res, err
}

// drill is one traffic drill in progress.
type drill struct {
	env *Env
	s   *Scenario
	o   Options
	res *Result
	log interface {
		Info(string, ...any)
		Warn(string, ...any)
	}

	sup         *supervise.Supervisor // pauses what a fault stops on purpose
	primary, dr string
	spec        fault.Spec
	hold        time.Duration
	gen         *load.Generator
	subjects    []*subject // the workloads under test, the entry first
	recorders   []*measure.EventRecorder
	events      []measure.ClusterEvent // what the recorders saw, in time order
	injected    time.Time
	reverting   time.Time // the revert began (the hold had run its course)
	reverted    time.Time // the revert returned
	recovered   time.Time
	rb          *runbook
	alerts      *alertWatch        // nil without monitoring
	alertPlan   []objectives.Alert // the alerts followed (none without monitoring)
	automation  []sensor.Action    // what the platform's Sensor did since the fault
	findings    []evidence.Finding
}

func (d *drill) run(ctx context.Context) error {
	env, t := d.env, d.env.Timeouts
	var err error
	if d.primary, err = env.regionByRole("primary"); err != nil {
		return err
	}
	d.dr, _ = env.regionByRole("dr")
	if err := env.checkWorkloads(d.s); err != nil {
		return err
	}
	if err := env.Settle(ctx); err != nil {
		return err
	}
	if err := d.resolveFault(ctx); err != nil {
		return err
	}
	actions, err := d.expandActions()
	if err != nil {
		return err
	}
	d.rb.hold, d.rb.until = d.hold, d.hold+s(d.s.Recovery, recoveryFor(t))+time.Minute
	d.res.Drill.Targets = evidence.Targets{Regions: []string{d.spec.Region}}
	if d.spec.Zone != "" {
		d.res.Drill.Targets.Zones = []string{d.spec.Zone}
	}
	if d.spec.Node != "" {
		d.res.Drill.Targets.Nodes = []string{d.spec.Node}
	}
	for _, w := range env.Workloads {
		d.res.Drill.Targets.Workloads = append(d.res.Drill.Targets.Workloads, w.Name())
	}
	target, err := d.target()
	if err != nil {
		return err
	}
	plan, err := fault.Prepare(ctx, target, d.spec)
	if err != nil {
		return err
	}
	defer d.stopWatchers() // also what a failed start had started
	if err := d.startWatchers(ctx); err != nil {
		return err
	}
	if err := d.startLoad(ctx); err != nil {
		return err
	}
	defer func() {
		d.sup.Pause(groupLoad) // stopping the load is not a stall
		d.res.Timeline = d.gen.Stop()
	}()
	if err := d.sup.Add(supervise.Check{Name: "load generator", Group: groupLoad,
		Probe: func(context.Context) error { return d.gen.Stalled(time.Now()) }}); err != nil {
		return err
	}

	base := s(d.s.Baseline, baselineFor(t))
	d.log.Info("baseline", "for", base)
	if !timer.Pause(ctx, base) {
		return ctx.Err()
	}
	if _, err := d.gen.Mark("fault"); err != nil {
		return err
	}
	if err := d.beginPDB(target); err != nil {
		return err
	}
	defer func() { target.OnEviction = nil }()
	d.injected = time.Now()
	actionsDone := d.rb.schedule(ctx, actions)
	d.log.Info("injecting", "fault", plan.Spec.String())
	// A fault that stops a control plane (region outage) stops what the
	// supervisor watches on purpose, until its revert has started it again.
	if plan.ControlPlane != "" {
		d.sup.Pause(d.spec.Region)
	}
	// The fault package's lifecycle: inject, hold to the end (a drain's
	// inject already ran its course), note what is still Pending, revert.
	e, err := fault.Run(ctx, target, plan, fault.Hooks{
		Injected: func(e *fault.Entry) { d.res.Fault = e },
		BeforeRevert: func(ctx context.Context, _ *fault.Entry) {
			d.notePending(ctx, d.spec.Region)
			d.reverting = time.Now()
		},
	})
	d.res.Fault = e
	if err != nil {
		return err
	}
	if plan.ControlPlane != "" {
		d.sup.Resume(d.spec.Region)
	}
	d.reverted = time.Now()
	for _, sub := range d.subjects {
		if sub.pdb != nil {
			if err := sub.pdb.End(d.s.Name); err != nil {
				return fmt.Errorf("measure the PDB of %s during the fault: %w", sub.name(), err)
			}
		}
	}
	if _, err := d.gen.Mark("recovery"); err != nil {
		return err
	}
	<-actionsDone
	d.rb.failBack(ctx)
	d.awaitRecovery(ctx, s(d.s.Recovery, recoveryFor(t)))
	return nil
}

// groupLoad is the supervision group of the load generator.
const groupLoad = "load"

// s returns the scenario's duration, or def when it left it zero.
func s(v Duration, def time.Duration) time.Duration {
	if v > 0 {
		return v.D()
	}
	return def
}

// target is what the drill's fault runs against: pod faults pick from one
// workload's pods (the entry by default); node, zone and region faults take
// whatever runs there.
func (d *drill) target() (*fault.Target, error) {
	if d.s.Fault.Workload != "" || d.spec.Kind == fault.PodKill {
		return d.env.faultTarget(d.s.Fault.Workload)
	}
	return d.env.Target, nil
}

// PlanFault resolves a scenario's fault against the environment and plans
// it as its drill would (targets, steps, revert, the Chaos Mesh object)
// without changing anything; nil for a scenario without a fault.
func PlanFault(ctx context.Context, env *Env, s *Scenario) (*fault.Plan, error) {
	if s.Fault.Kind == "" {
		return nil, nil
	}
	d := &drill{env: env, s: s, log: env.Logger}
	if err := d.resolveFault(ctx); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	t, err := d.target()
	if err != nil {
		return nil, err
	}
	return fault.Prepare(ctx, t, d.spec)
}

// resolveFault turns the scenario's fault into a concrete spec.
func (d *drill) resolveFault(ctx context.Context) error {
	f := d.s.Fault
	region, err := d.env.regionByRole(f.Region)
	if err != nil {
		return err
	}
	spec := fault.Spec{Kind: fault.Kind(f.Kind), Region: region, Zone: f.Zone, Node: f.Node, Mode: f.Mode}
	if f.Peer != "" {
		if spec.Peer, err = d.env.regionByRole(f.Peer); err != nil {
			return err
		}
	}
	if spec.Zone == "first" {
		r, _ := d.env.Record.Region(region)
		spec.Zone = r.Zones[0]
	}
	if spec.Node == "auto" {
		var pods []corev1.Pod
		for _, w := range d.env.Workloads {
			if !isWorkload(w.Name(), f.Workload) {
				continue
			}
			p, err := d.env.pods(ctx, region, w)
			if err != nil {
				return fmt.Errorf("pick the busiest node in %s: %w", region, err)
			}
			pods = append(pods, p...)
		}
		if spec.Node = busiestNode(pods); spec.Node == "" {
			return fmt.Errorf("pick the busiest node in %s: no pod of the workloads under test is bound to a node", region)
		}
		// The fault names nodes as the topology does (kind's nodes are
		// named after their containers).
		n, err := d.env.Clients[region].CoreV1().Nodes().Get(ctx, spec.Node, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("pick the busiest node in %s: %w", region, err)
		}
		spec.Node = topology.NodeName(n.Labels, n.Name)
	}
	d.spec = spec
	d.alertPlan = d.planAlerts(ctx)
	d.hold = s(f.Hold, holdFor(spec.Kind, d.env.Timeouts))
	if f.Hold == 0 {
		d.hold = d.holdForAlerts(d.hold)
	}
	d.spec.Duration = d.hold
	return nil
}

// startWatchers starts, for every workload under test, its capacity
// watchers in every region and, when an objective needs it, its PDB watcher
// in the fault's region; and one event recorder per region for the nodes
// and every workload's pods.
func (d *drill) startWatchers(ctx context.Context) error {
	needPDB := d.spec.Kind == fault.Drain || objectives.NeedsOf(d.s.Objectives).PDBWatch
	var sels []measure.PodSelection
	for _, w := range d.env.Workloads {
		sub := &subject{w: w, capWatch: map[string]*measure.CapacityWatcher{}}
		d.subjects = append(d.subjects, sub)
		sels = append(sels, measure.PodSelection{Namespace: w.Namespace, Selector: w.Selector})
		for _, r := range d.env.Record.Regions {
			cw, err := measure.NewCapacityWatcher(d.env.Clients[r.Name], w.Namespace, w.Deployment.Name)
			if err != nil {
				return err
			}
			if err := cw.Start(ctx); err != nil {
				return err
			}
			sub.capWatch[r.Name] = cw
		}
		if needPDB {
			pw, err := measure.NewPDBWatcher(d.env.Clients[d.spec.Region], w.Namespace, w.Selector)
			if err != nil {
				return err
			}
			if err := pw.Start(ctx); err != nil {
				return err
			}
			sub.pdb = pw
		}
	}
	for _, r := range d.env.Record.Regions {
		rec := measure.NewEventRecorder(d.env.Clients[r.Name], r.Name, sels...)
		if err := rec.Start(ctx); err != nil {
			return err
		}
		d.recorders = append(d.recorders, rec)
	}
	return d.watchAlerts(ctx)
}

// beginPDB opens the fault's disruption window in every PDB watcher and
// tells each of the evictions the fault attempts.
func (d *drill) beginPDB(target *fault.Target) error {
	var watchers []*measure.PDBWatcher
	for _, sub := range d.subjects {
		if sub.pdb == nil {
			continue
		}
		if err := sub.pdb.Begin(d.s.Name); err != nil {
			return fmt.Errorf("measure the PDB of %s during the fault: %w", sub.name(), err)
		}
		watchers = append(watchers, sub.pdb)
	}
	if len(watchers) > 0 {
		// Each watcher counts only the pods it selects.
		target.OnEviction = func(pod string, refused bool) {
			for _, w := range watchers {
				w.RecordEviction(pod, refused)
			}
		}
	}
	return nil
}

func (d *drill) stopWatchers() {
	for _, sub := range d.subjects {
		sub.capacity = map[string][]measure.CapacitySample{}
		for region, w := range sub.capWatch {
			sub.capacity[region] = w.Samples()
			w.Stop()
		}
		if sub.pdb != nil {
			r := sub.pdb.Result()
			sub.pdbRes = &r
			sub.pdb.Stop()
		}
	}
	if len(d.subjects) > 0 {
		d.res.Capacity, d.res.PDB = d.subjects[0].capacity, d.subjects[0].pdbRes
	}
	for _, rec := range d.recorders {
		rec.Stop()
		d.events = append(d.events, rec.Events()...)
		d.res.Drill.EventsDropped += rec.Dropped()
	}
	alerts, failed, polls := d.alerts.stop(d.injected)
	d.events = append(d.events, alerts...)
	d.events = append(d.events, d.automationEvents(d.injected)...)
	if failed > 0 {
		d.findings = append(d.findings, evidence.Finding{ID: "alerts-unobserved", Severity: evidence.SeverityWarning,
			Message:  "Prometheus did not answer every poll of its alerts: a transition may be seen up to one failed poll late, or missed if it came and went between two answers",
			Evidence: fmt.Sprintf("%d of %d polls of /api/v1/alerts failed", failed, polls)})
	}
	sort.SliceStable(d.events, func(i, j int) bool { return d.events[i].At.Before(d.events[j].At) })
	for _, e := range d.events {
		d.res.Drill.Events = append(d.res.Drill.Events, evidence.Event(e))
	}
}

// faultTarget is the environment's fault target narrowed to one workload's
// pods (the entry when workload is empty).
func (e *Env) faultTarget(workload string) (*fault.Target, error) {
	w, err := e.workloadNamed(workload)
	if err != nil {
		return nil, err
	}
	sel := w.Deployment.Spec.Selector
	if sel == nil || len(sel.MatchExpressions) > 0 || len(sel.MatchLabels) == 0 {
		// fault.Selector holds labels only: a looser selector would reach
		// pods of other workloads.
		return nil, fmt.Errorf("workload %s: pod faults need a selector of matchLabels only (spec.selector is %s): %w", w.Name(), w.Selector, framework.ErrInvalid)
	}
	t := *e.Target
	t.Workload = fault.Selector{Namespace: w.Namespace, Labels: sel.MatchLabels}
	return &t, nil
}

func (d *drill) startLoad(ctx context.Context) error {
	var clients, known []string
	for _, r := range d.s.Load.ClientRegions {
		name, err := d.env.regionByRole(r)
		if err != nil {
			return err
		}
		clients = append(clients, name)
	}
	if len(clients) == 0 {
		clients = []string{d.primary}
	}
	known = d.env.Record.RegionNames()
	rate := d.s.Load.Rate
	if rate == 0 {
		rate = DefaultRate
	}
	opts := []load.Option{load.WithRate(rate), load.WithClientRegions(clients...), load.WithKnownRegions(known...),
		load.WithV2Fraction(d.s.Load.V2Fraction), load.WithPhase("baseline")}
	if d.o.Progress != nil {
		opts = append(opts, load.WithProgress(d.o.Progress, time.Second))
	}
	g, err := load.New(d.env.Record.URL, opts...)
	if err != nil {
		return err
	}
	if err := g.Start(ctx); err != nil {
		return err
	}
	d.gen = g
	return nil
}

// awaitRecovery observes after the revert until the environment has
// recovered, or until maxWait: every region's inference Deployment at full
// capacity, the data plane settled (the global load balancer sees every
// region healthy, every Ready pod is a gateway endpoint) and the load's
// success ratio at or above the objective's threshold for a stability
// window. Deployment status alone can be stale right after a control plane
// restarts, and a healthy-looking region can still fail its clients.
func (d *drill) awaitRecovery(ctx context.Context, maxWait time.Duration) {
	deadline := time.Now().Add(maxWait)
	threshold := measure.NewCriteria(d.env.Timeouts).SuccessThreshold
	var since time.Time // start of the current good run
	waiting := ""       // why recovery is not yet there, logged when it changes
	for time.Now().Before(deadline) {
		ok, why := d.recoveredNow(ctx)
		if !ok && why != waiting {
			d.log.Info("recovery: waiting", "for", why)
		}
		waiting = why
		if ok {
			if since.IsZero() {
				since = time.Now()
			}
			if time.Since(since) >= d.env.Timeouts.StabilityWindow {
				if loadGood(d.gen.Snapshot(), since, threshold) {
					d.recovered = since
					return
				}
				d.log.Info("recovery: the load failed during the stability window; it starts again")
				since = time.Now() // the load was not good: the window starts again
			}
		} else {
			since = time.Time{}
		}
		if !timer.Pause(ctx, d.env.Timeouts.Poll) {
			return
		}
	}
}

// recoveredNow reports whether every workload under test is at full
// capacity in every region and the data plane settled, and if not, why.
func (d *drill) recoveredNow(ctx context.Context) (bool, string) {
	for _, r := range d.env.Record.Regions {
		for _, w := range d.env.Workloads {
			dep, err := d.env.deployment(ctx, r.Name, w)
			if err != nil {
				return false, fmt.Sprintf("%s in %s: %v", w.Name(), r.Name, err)
			}
			if want := replicas(dep); dep.Status.ReadyReplicas < want || dep.Status.UpdatedReplicas < want {
				return false, fmt.Sprintf("%s in %s: %d of %d replicas Ready (%d updated)", w.Name(), r.Name, dep.Status.ReadyReplicas, want, dep.Status.UpdatedReplicas)
			}
		}
	}
	if d.env.Agent == nil {
		return true, "" // existing clusters: the user's data plane, judged by the load
	}
	st, err := d.env.Agent.Status(ctx)
	if err != nil {
		return false, "data plane: " + err.Error()
	}
	return st.Settled()
}

// loadGood reports whether the load's success ratio since t is at least threshold.
func loadGood(tl *load.Timeline, t time.Time, threshold float64) bool {
	var sent, ok int
	for _, b := range tl.Buckets {
		if tl.Start.Add(b.Offset).Before(t) {
			continue
		}
		sent += b.Sent
		ok += b.OK
	}
	return sent == 0 || float64(ok)/float64(sent) >= threshold
}

// notePending records, for every workload under test, why its pods in
// region are Pending, as the scheduler said.
func (d *drill) notePending(ctx context.Context, region string) {
	for _, sub := range d.subjects {
		sub.pending = pendingReasons(ctx, d.env, region, sub.w)
	}
}

func pendingReasons(ctx context.Context, env *Env, region string, w fixtures.Workload) []string {
	pods, err := env.pods(ctx, region, w)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range pods {
		if p.Spec.NodeName != "" || p.DeletionTimestamp != nil {
			continue
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
				out = append(out, fmt.Sprintf("%s: %s", p.Name, c.Message))
			}
		}
	}
	return out
}

// cleanup undoes the runbook's changes and reverts the fault if it is still
// open, whatever happened.
func (d *drill) cleanup(ctx context.Context) {
	// The revert bounds itself (Timeouts.Revert); restoring the runbook's
	// changes and settling take at most PodsReady more.
	t := d.env.Timeouts
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.RevertTimeout()+t.PodsReady+t.Poll)
	defer cancel()
	if d.res.Fault != nil && d.res.Fault.Open() {
		if e, err := fault.Revert(cctx, d.env.Target, d.res.Fault.ID); err == nil {
			d.res.Fault = e
		} else {
			d.log.Warn("revert after a failed drill", "err", err)
		}
	}
	d.rb.undo(cctx)
	d.undoAutomation(cctx)
}

// busiestNode returns the node running the most of pods (not being
// deleted), ties broken by name: the worst single node to lose, and the same
// choice whatever order the API lists pods in. How replicas are packed
// depends on what earlier drills left (replacements scheduled while a zone
// returns can land on one node), so "the first node" would lose one replica
// in one run and three in another.
func busiestNode(pods []corev1.Pod) string {
	count := map[string]int{}
	for _, p := range pods {
		if p.Spec.NodeName != "" && p.DeletionTimestamp == nil {
			count[p.Spec.NodeName]++
		}
	}
	best := ""
	for n, c := range count {
		if c > count[best] || (c == count[best] && n < best) {
			best = n
		}
	}
	return best
}
