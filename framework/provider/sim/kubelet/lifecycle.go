package kubelet

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"gameday.io/gameday/framework/timer"
)

// Container restart back-off, as the kubelet's CrashLoopBackOff (10 s
// doubling to 5 min), scaled by the profile.
const (
	backoffInitial = 10 * time.Second
	backoffMax     = 5 * time.Minute
)

// ensureRunning starts the pod's lifecycle unless it runs already.
func (k *Kubelet) ensureRunning(ctx context.Context, r *podRun, pod *corev1.Pod, node *corev1.Node) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if r.cancel != nil || r.deleting {
		return
	}
	if r.ip == "" {
		k.nextIP++
		r.ip = fmt.Sprintf("10.%d.%d.%d", 101+k.cfg.Index, k.nextIP/250, 1+k.nextIP%250)
	}
	rctx, cancel := context.WithCancel(ctx)
	r.cancel, r.done, r.how = cancel, make(chan struct{}), haltGraceful
	go k.lifecycle(rctx, r, pod, node)
}

// halt ends the pod's lifecycle and ends its server as how says. It returns
// when the server is gone, or frozen for haltFreeze. A server frozen before
// is killed or stopped by a later halt of another mode.
func (k *Kubelet) halt(r *podRun, how haltMode) {
	k.mu.Lock()
	cancel, done := r.cancel, r.done
	r.how = how
	r.cancel = nil
	k.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if done != nil {
		// Also when an earlier halt cancelled the lifecycle: it may still be
		// freezing its server, which this halt must then end.
		<-done
	}
	if how == haltFreeze {
		return
	}
	k.mu.Lock()
	proc, frozen, pod := r.proc, r.frozen, r.pod
	r.frozen = false // whoever clears it owns the frozen process
	k.mu.Unlock()
	if !frozen {
		return
	}
	if how == haltKill {
		proc.kill()
	} else {
		proc.stop(k.grace(pod))
	}
}

// grace is the pod's termination grace period, scaled by the profile.
func (k *Kubelet) grace(pod *corev1.Pod) time.Duration {
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return k.cfg.Timeouts.Scale(time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second)
	}
	return k.cfg.Timeouts.Scale(30 * time.Second)
}

// terminate stops a pod marked for deletion and confirms the deletion.
func (k *Kubelet) terminate(ctx context.Context, r *podRun, pod *corev1.Pod) {
	k.mu.Lock()
	if r.deleting {
		k.mu.Unlock()
		return
	}
	r.deleting = true
	k.mu.Unlock()
	go func() {
		k.halt(r, haltGraceful)
		if err := confirmDeletion(ctx, k.cfg.Client, pod); err != nil && ctx.Err() == nil {
			k.log.Warn("confirm pod deletion", "pod", pod.Name, "err", err)
		}
	}()
}

// lifecycle runs one pod's container: start the server (or resume the one
// frozen while its node was down), report it, probe it, restart it with
// back-off when it exits or fails liveness, and end it when ctx ends
// (killing, stopping or freezing it as halt asked).
func (k *Kubelet) lifecycle(ctx context.Context, r *podRun, pod *corev1.Pod, node *corev1.Node) {
	defer close(r.done)
	hostIP := nodeIP(node)
	ctr := pod.Spec.Containers[0]
	readiness := probeFrom(ctr.ReadinessProbe, k.cfg.Timeouts)
	liveness := probeFrom(ctr.LivenessProbe, k.cfg.Timeouts)
	backoff := k.cfg.Timeouts.Scale(backoffInitial)
	k.mu.Lock()
	var resume *serverProc
	if r.frozen && r.proc != nil && !r.proc.exited() {
		resume = r.proc // the node is back: its process carries on
	} else if r.started {
		r.restarts++ // the node came back: the container starts again
	}
	r.frozen = false
	k.mu.Unlock()
	for {
		proc, started, resumed := resume, time.Time{}, resume != nil
		resume = nil
		if resumed {
			k.mu.Lock()
			started = r.since
			k.mu.Unlock()
			if err := proc.thaw(); err != nil {
				k.log.Warn("resume inference server; starting a new one", "pod", pod.Name, "err", err)
				proc.kill()
				continue
			}
			k.log.Info("inference server resumed", "pod", pod.Name, "node", pod.Spec.NodeName)
		} else {
			var err error
			if proc, err = startServer(k.cfg.Server(pod, node)); err != nil {
				k.setReason(r, "start: "+err.Error())
				k.log.Warn("start inference server", "pod", pod.Name, "err", err)
				k.report(ctx, r, hostIP, containerState{waiting: "CreateContainerError", message: err.Error()})
				if !timer.Pause(ctx, backoff) {
					return
				}
				continue
			}
			started = time.Now()
			k.mu.Lock()
			r.proc, r.addr, r.since, r.started, r.ready = proc, proc.addr, started, true, false
			k.mu.Unlock()
			if k.cfg.AddressChanged != nil {
				k.cfg.AddressChanged()
			}
			k.log.Debug("inference server started", "pod", pod.Name, "node", pod.Spec.NodeName, "addr", proc.addr)
		}
		k.report(ctx, r, hostIP, containerState{running: true, startedAt: started, restarts: r.restarts})
		why := k.probeLoop(ctx, r, proc, readiness, liveness, hostIP, started, resumed)
		if ctx.Err() != nil {
			k.end(r, proc, pod)
			return
		}
		proc.kill()
		k.mu.Lock()
		r.restarts++
		r.ready = false
		restarts := r.restarts
		k.mu.Unlock()
		k.log.Info("restarting inference server", "pod", pod.Name, "reason", why, "restarts", restarts)
		k.report(ctx, r, hostIP, containerState{waiting: "CrashLoopBackOff", message: why, restarts: restarts})
		if !timer.Pause(ctx, backoff) {
			return
		}
		backoff = min(2*backoff, k.cfg.Timeouts.Scale(backoffMax))
	}
}

// end ends a running server as halt asked: killed, stopped gracefully, or
// frozen (kept, with its listener and connections, for a later halt or the
// node's return). A server that cannot be frozen is killed.
func (k *Kubelet) end(r *podRun, proc *serverProc, pod *corev1.Pod) {
	k.mu.Lock()
	how := r.how
	k.mu.Unlock()
	switch how {
	case haltKill:
		proc.kill()
	case haltFreeze:
		if err := proc.freeze(); err != nil {
			k.log.Warn("freeze inference server; killing it", "pod", pod.Name, "err", err)
			proc.kill()
			return
		}
		k.mu.Lock()
		r.frozen, r.ready, r.reason = true, false, "frozen: its node is down (black-hole)"
		k.mu.Unlock()
		k.log.Debug("inference server frozen", "pod", pod.Name, "node", pod.Spec.NodeName)
	default:
		proc.stop(k.grace(pod))
	}
}

// probeLoop probes until ctx ends, the process exits or liveness fails, and
// returns why it stopped.
// A resumed server is probed at once: its initial delays passed before its
// node went down.
func (k *Kubelet) probeLoop(ctx context.Context, r *podRun, proc *serverProc, readiness, liveness *probe, hostIP string, started time.Time, resumed bool) string {
	var ready, live *prober
	var readyT, liveT <-chan time.Time
	delay := func(p *probe) time.Duration {
		if resumed {
			return 0
		}
		return p.initialDelay
	}
	if readiness != nil {
		ready = &prober{p: readiness}
		t := time.NewTimer(delay(readiness))
		defer t.Stop()
		readyT = t.C
	} else {
		k.setReady(ctx, r, true, hostIP, started)
	}
	if liveness != nil {
		live = &prober{p: liveness, ok: true}
		t := time.NewTimer(delay(liveness))
		defer t.Stop()
		liveT = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return "stopped"
		case <-proc.done:
			return fmt.Sprintf("server exited: %v", proc.err)
		case <-readyT:
			err := readiness.check(ctx, k.http, proc.URL())
			if err != nil {
				k.setReason(r, "readiness probe failed: "+err.Error())
			}
			if ready.observe(err) {
				k.setReady(ctx, r, ready.ok, hostIP, started)
			}
			readyT = time.After(readiness.period)
		case <-liveT:
			err := liveness.check(ctx, k.http, proc.URL())
			if live.observe(err) && !live.ok {
				return fmt.Sprintf("liveness probe failed %d times: %v", liveness.failureThreshold, err)
			}
			liveT = time.After(liveness.period)
		}
	}
}

// setReason records why a pod is not ready.
func (k *Kubelet) setReason(r *podRun, why string) {
	k.mu.Lock()
	r.reason = why
	k.mu.Unlock()
}

// setReady records and reports a readiness transition.
func (k *Kubelet) setReady(ctx context.Context, r *podRun, ready bool, hostIP string, started time.Time) {
	k.mu.Lock()
	r.ready = ready
	restarts := r.restarts
	k.mu.Unlock()
	k.log.Debug("readiness changed", "pod", r.pod.Name, "ready", ready)
	k.report(ctx, r, hostIP, containerState{running: true, ready: ready, startedAt: started, restarts: restarts})
}

// report patches the pod's status with the container's state.
func (k *Kubelet) report(ctx context.Context, r *podRun, hostIP string, c containerState) {
	k.mu.Lock()
	pod, ip := r.pod, r.ip
	k.mu.Unlock()
	patch, err := statusPatch(pod, ip, hostIP, c)
	if err == nil {
		err = patchStatus(ctx, k.cfg.Client, pod, patch)
	}
	if err != nil && ctx.Err() == nil {
		k.log.Warn("report pod status", "pod", pod.Name, "err", err)
	}
}

// nodeIP is the node's InternalIP (a fake address kwok assigns).
func nodeIP(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}
