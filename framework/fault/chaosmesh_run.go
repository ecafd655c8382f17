package fault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/chaosmesh"
	"gameday.io/gameday/framework/topology"
)

// DefaultChaosInjectTimeout bounds how long a fault waits for Chaos Mesh to
// report every target injected.
const DefaultChaosInjectTimeout = 90 * time.Second

// DefaultDeleteSeen bounds the wait for the watch to see a deletion the API
// server has completed (only the history depends on it).
const DefaultDeleteSeen = 5 * time.Second

// implFor returns how kind d is carried out against t: its own Impl, or on a
// cluster gameday does not own (t.ChaosMesh set) as a Chaos Mesh object, the
// API's drain, or a refusal saying why.
func implFor(t *Target, d Definition) Impl {
	if t.ChaosMesh == nil {
		return d.Impl
	}
	switch d.Kind {
	case PodKill:
		return chaosImpl{Impl: d.Impl, plan: d.Impl.Plan}
	case ZoneOutage:
		return chaosImpl{Impl: d.Impl, plan: planZonePods, daemon: true}
	case Drain:
		return d.Impl // the Eviction API is the same on every cluster
	case NodeLoss:
		return refused{d.Impl, "it needs a cloud node stop (AWSChaos, GCPChaos or AzureChaos with the cloud's credentials), which gameday does not apply; drill a zone (NetworkChaos) or a drain instead"}
	case StorageOutage:
		return refused{d.Impl, "gameday never breaks the user's S3 endpoints, and does not yet apply HTTPChaos or IOChaos to the model storage's clients"}
	case RegionOutage:
		return refused{d.Impl, "it needs the whole region cut off (a NetworkChaos on every namespace, or the user's DNS or load balancer switch), which gameday does not apply"}
	case Partition:
		return refused{d.Impl, "the regions' traffic does not run through gameday's gateways; a NetworkChaos partition between two clusters cannot select pods across clusters"}
	}
	return refused{d.Impl, "gameday has no way to carry it out there"}
}

// refused is a kind a cluster gameday does not own cannot have.
type refused struct {
	Impl
	why string
}

func (r refused) Plan(_ context.Context, t *Target, p *Plan) error {
	return fmt.Errorf("provider %s cannot carry out %s: %s: %w", t.Provider.Name(), p.Spec.Kind, r.why, framework.ErrRefused)
}

// chaosImpl carries a kind out as the Chaos Mesh object its Definition
// describes, applied to the region's cluster, labelled with the environment
// (chaosmesh.LabelRun), followed until Chaos Mesh reports every target
// injected, and deleted on revert once Chaos Mesh has recovered them.
type chaosImpl struct {
	Impl
	// plan resolves the targets (it must check the namespace's opt-in).
	plan func(ctx context.Context, t *Target, p *Plan) error
	// daemon: Chaos Mesh needs chaos-daemon on the targets' nodes.
	daemon bool
}

func (c chaosImpl) Plan(ctx context.Context, t *Target, p *Plan) error {
	if err := c.plan(ctx, t, p); err != nil {
		return err
	}
	if c.daemon {
		if err := daemonsOn(ctx, t, p); err != nil {
			return err
		}
	}
	_, ref, err := chaosObject(p, t.Workload)
	if err != nil {
		return err
	}
	p.Steps = []string{
		fmt.Sprintf("apply Chaos Mesh %s in region %s, labelled %s=%s", ref, p.Spec.Region, chaosmesh.LabelRun, t.Env.Name),
		fmt.Sprintf("wait until Chaos Mesh reports every target injected (AllInjected=True), at most %s", DefaultChaosInjectTimeout),
	}
	if c.daemon {
		p.Steps = append(p.Steps, "chaos-daemon on each target's node carries it out")
	}
	p.Revert = fmt.Sprintf("delete %s and wait until Chaos Mesh has recovered every target (its finalizer gone)", ref)
	return nil
}

// daemonsOn refuses a plan whose nodes have no chaos-daemon: Chaos Mesh
// would accept the object and never inject it.
func daemonsOn(ctx context.Context, t *Target, p *Plan) error {
	cm, err := t.ChaosMesh(p.Spec.Region)
	if err != nil {
		return err
	}
	have, err := cm.DaemonNodes(ctx)
	if err != nil {
		return err
	}
	var missing []string
	for _, q := range p.Nodes {
		if _, node := splitQualified(q); !have[node] {
			missing = append(missing, node)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s needs chaos-daemon on the nodes it targets, and none runs on %s (no Running, Ready pod %s): install Chaos Mesh's chaos-daemon DaemonSet there: %w",
			p.Spec.Kind, strings.Join(missing, ", "), chaosmesh.DaemonSelector, framework.ErrRefused)
	}
	return nil
}

// chaosObject is the plan's typed Chaos Mesh object and its reference.
func chaosObject(p *Plan, sel Selector) (runtime.Object, chaosmesh.Ref, error) {
	o, err := ChaosMesh(p, sel)
	if err != nil {
		return nil, chaosmesh.Ref{}, err
	}
	obj, ok := o.(runtime.Object)
	if !ok || o == nil {
		return nil, chaosmesh.Ref{}, fmt.Errorf("%s has no Chaos Mesh kind: %w", p.Spec.Kind, framework.ErrInvalid)
	}
	kind := chaosmesh.Kind(obj.GetObjectKind().GroupVersionKind().Kind)
	meta := chaosMeta(p, sel)
	return obj, chaosmesh.Ref{Kind: kind, Namespace: meta.Namespace, Name: meta.Name}, nil
}

// followed is a plan's Chaos Mesh object, its region's client, and a
// watch of its status.
type followed struct {
	cm  *chaosmesh.Client
	obj runtime.Object
	ref chaosmesh.Ref
	h   *chaosmesh.History
}

// follow starts watching the plan's object (which may not exist yet) and
// records its history into res when done is called.
func follow(ctx context.Context, t *Target, p *Plan, res *Result) (f *followed, done func(), err error) {
	cm, err := t.ChaosMesh(p.Spec.Region)
	if err != nil {
		return nil, nil, err
	}
	obj, ref, err := chaosObject(p, t.Workload)
	if err != nil {
		return nil, nil, err
	}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	h, err := cm.Watch(wctx, ref)
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("watch %s: %w", ref, err)
	}
	f = &followed{cm: cm, obj: obj, ref: ref, h: h}
	return f, func() {
		rec := res.chaosRecord(p.Spec.Region, ref)
		rec.History = appendNew(rec.History, h.Entries())
		stop()
	}, nil
}

func (c chaosImpl) Inject(ctx context.Context, t *Target, p *Plan, until time.Time, res *Result) error {
	f, done, err := follow(ctx, t, p, res)
	if err != nil {
		return err
	}
	defer done()
	if _, err := f.cm.Apply(ctx, f.obj, t.Env.Name); err != nil {
		return err
	}
	ictx, cancel := context.WithTimeout(ctx, min(DefaultChaosInjectTimeout, max(time.Until(until), time.Second)))
	defer cancel()
	if err := injected(ictx, f.h); err != nil {
		return fmt.Errorf("Chaos Mesh did not inject %s: %w", f.ref, err)
	}
	if d, _ := Lookup(p.Spec.Kind); d.Instant {
		// Nothing stays in effect (a killed pod is gone): remove the object now.
		return deleteChaos(ctx, t, f)
	}
	return nil
}

// injected waits until h shows AllInjected=True, and fails at once on a
// failed injection the controller records.
func injected(ctx context.Context, h *chaosmesh.History) error {
	failed := make(chan error, 1)
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		if e, err := h.WaitFor(fctx, chaosmesh.EntryFailure, "", "Apply"); err == nil {
			failed <- fmt.Errorf("%s", e)
		}
	}()
	done := make(chan error, 1)
	go func() {
		_, err := h.WaitFor(fctx, chaosmesh.EntryCondition, "AllInjected", "True")
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case err := <-failed:
		return err
	}
}

// RevertInto deletes the plan's object, waits until Chaos Mesh recovered its
// targets (forcing the finalizer off when the controller cannot, which is
// recorded), and adds what the status said to res.
func (c chaosImpl) RevertInto(ctx context.Context, t *Target, p *Plan, res *Result) error {
	f, done, err := follow(ctx, t, p, res)
	if err != nil {
		return err
	}
	defer done()
	return deleteChaos(ctx, t, f)
}

func (c chaosImpl) Revert(ctx context.Context, t *Target, p *Plan) error {
	return c.RevertInto(ctx, t, p, &Result{})
}

// deleteChaos deletes ref and waits until it is gone; when Chaos Mesh cannot
// recover its targets in time (no chaos-daemon), the finalizer is removed
// and that is logged: the object must not outlive the run.
func deleteChaos(ctx context.Context, t *Target, f *followed) error {
	if err := f.cm.Delete(ctx, f.ref); err != nil {
		t.log().Warn("Chaos Mesh did not recover the targets in time; removing its finalizer", "object", f.ref.String(), "err", err)
		if ferr := f.cm.ForceDelete(ctx, f.ref); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	// The object is gone; let the watch record it (it may lag the API).
	wctx, cancel := context.WithTimeout(ctx, DefaultDeleteSeen)
	defer cancel()
	_, _ = f.h.WaitFor(wctx, chaosmesh.EntryDeleted, "", "")
	return nil
}

// appendNew appends the entries of later not already in have (same time and text).
func appendNew(have, later []chaosmesh.Entry) []chaosmesh.Entry {
	seen := map[string]bool{}
	for _, e := range have {
		seen[e.At.String()+e.String()] = true
	}
	for _, e := range later {
		if !seen[e.At.String()+e.String()] {
			have = append(have, e)
		}
	}
	return have
}

// chaosRecord returns the record of ref in r, adding it when new.
func (r *Result) chaosRecord(region string, ref chaosmesh.Ref) *ChaosObject {
	for i := range r.ChaosMesh {
		if r.ChaosMesh[i].Object == ref.String() && r.ChaosMesh[i].Region == region {
			return &r.ChaosMesh[i]
		}
	}
	r.ChaosMesh = append(r.ChaosMesh, ChaosObject{Region: region, Object: ref.String()})
	return &r.ChaosMesh[len(r.ChaosMesh)-1]
}

// appliedKinds are the Chaos Mesh kinds faults apply against t.
func appliedKinds(t *Target) []chaosmesh.Kind {
	var out []chaosmesh.Kind
	for _, k := range Kinds() {
		d, _ := Lookup(k)
		if _, ok := implFor(t, d).(chaosImpl); ok {
			if ck := chaosKindOf(k); ck != "" && !slices.Contains(out, ck) {
				out = append(out, ck)
			}
		}
	}
	return out
}

// planZonePods resolves a zone outage on a cluster gameday does not own: the
// zone's nodes and the workload's pods on them, in a namespace that opted in.
func planZonePods(ctx context.Context, t *Target, p *Plan) error {
	c, err := t.client(p.Spec.Region)
	if err != nil {
		return err
	}
	if err := t.Guard.CheckNamespace(ctx, c, t.Workload.Namespace); err != nil {
		return err
	}
	if _, err := planNodes(ctx, t, p); err != nil {
		return err
	}
	if len(p.Pods) == 0 {
		return fmt.Errorf("zone-outage: no pod with %s runs in zone %s (%s=%s): %w", t.Workload, p.Spec.Zone, topology.LabelZone, p.Spec.Zone, framework.ErrNotFound)
	}
	return nil
}

// RecoverChaosMesh deletes every Chaos Mesh object gameday applied in the
// target's environment (labelled with its name) in the workload's namespace
// of every region: what a killed run left, whether journalled or not.
func RecoverChaosMesh(ctx context.Context, t *Target) ([]string, error) {
	if t.ChaosMesh == nil {
		return nil, nil
	}
	var done []string
	var errs []error
	for _, r := range t.Env.Regions {
		cm, err := t.ChaosMesh(r.Name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		refs, err := cm.DeleteByLabel(ctx, chaosmesh.Selector{Run: t.Env.Name, Namespaces: []string{t.Workload.Namespace}, Kinds: appliedKinds(t)})
		for _, ref := range refs {
			done = append(done, r.Name+": "+ref.String())
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("region %s: %w", r.Name, err))
		}
	}
	return done, errors.Join(errs...)
}
