package chaosmesh

import (
	"context"
	"strings"
	"testing"
	"time"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func status(phase chaosv1alpha1.DesiredPhase, conds map[chaosv1alpha1.ChaosConditionType]corev1.ConditionStatus, records ...*chaosv1alpha1.Record) *chaosv1alpha1.ChaosStatus {
	st := &chaosv1alpha1.ChaosStatus{Experiment: chaosv1alpha1.ExperimentStatus{DesiredPhase: phase, Records: records}}
	for _, typ := range []chaosv1alpha1.ChaosConditionType{chaosv1alpha1.ConditionSelected, chaosv1alpha1.ConditionAllInjected, chaosv1alpha1.ConditionAllRecovered, chaosv1alpha1.ConditionPaused} {
		if s, ok := conds[typ]; ok {
			st.Conditions = append(st.Conditions, chaosv1alpha1.ChaosCondition{Type: typ, Status: s})
		}
	}
	return st
}

func TestHistoryRecordsChangesOnly(t *testing.T) {
	h := newHistory(Ref{Kind: PodChaos, Namespace: "ns", Name: "pk"})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f, tr := corev1.ConditionFalse, corev1.ConditionTrue
	sel := chaosv1alpha1.ConditionSelected
	inj, rec := chaosv1alpha1.ConditionAllInjected, chaosv1alpha1.ConditionAllRecovered
	failed := chaosv1alpha1.RecordEvent{Type: chaosv1alpha1.TypeFailed, Operation: chaosv1alpha1.Apply, Message: "chaos-daemon not found", Timestamp: &metav1.Time{Time: t0}}
	retried := failed
	retried.Timestamp = &metav1.Time{Time: t0.Add(time.Second)}
	steps := []*chaosv1alpha1.ChaosStatus{
		status("", nil),
		status(chaosv1alpha1.RunningPhase, map[chaosv1alpha1.ChaosConditionType]corev1.ConditionStatus{sel: f, inj: f, rec: f}),
		status(chaosv1alpha1.RunningPhase, map[chaosv1alpha1.ChaosConditionType]corev1.ConditionStatus{sel: tr, inj: f, rec: f},
			&chaosv1alpha1.Record{Id: "ns/a", Phase: chaosv1alpha1.NotInjected, Events: []chaosv1alpha1.RecordEvent{failed}}),
		// The same failure retried later must not be recorded twice.
		status(chaosv1alpha1.RunningPhase, map[chaosv1alpha1.ChaosConditionType]corev1.ConditionStatus{sel: tr, inj: f, rec: f},
			&chaosv1alpha1.Record{Id: "ns/a", Phase: chaosv1alpha1.NotInjected, Events: []chaosv1alpha1.RecordEvent{failed, retried}}),
		status(chaosv1alpha1.RunningPhase, map[chaosv1alpha1.ChaosConditionType]corev1.ConditionStatus{sel: tr, inj: tr, rec: f},
			&chaosv1alpha1.Record{Id: "ns/a", Phase: chaosv1alpha1.Injected}),
		status(chaosv1alpha1.StoppedPhase, map[chaosv1alpha1.ChaosConditionType]corev1.ConditionStatus{sel: tr, inj: f, rec: tr},
			&chaosv1alpha1.Record{Id: "ns/a", Phase: chaosv1alpha1.NotInjected}),
	}
	for i, st := range steps {
		h.observe(t0.Add(time.Duration(i)*time.Second), st)
	}
	h.markDeleted(t0.Add(10 * time.Second))
	h.markDeleted(t0.Add(11 * time.Second))
	var got []string
	for _, e := range h.Entries() {
		got = append(got, e.String())
	}
	want := []string{
		"Selected=False", "AllInjected=False", "AllRecovered=False", "desiredPhase=Run",
		"Selected=True", "target ns/a: Not Injected", "failed Apply on ns/a (chaos-daemon not found)",
		"AllInjected=True", "target ns/a: Injected",
		"AllInjected=False", "AllRecovered=True", "desiredPhase=Stop", "target ns/a: Not Injected",
		"deleted",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	e, ok := h.First(EntryCondition, string(inj), "True")
	if !ok || !e.At.Equal(t0.Add(4*time.Second)) {
		t.Errorf("first AllInjected=True = %v %v, want at +4s", e, ok)
	}
}

func TestHistoryWaitFor(t *testing.T) {
	h := newHistory(Ref{Kind: PodChaos, Namespace: "ns", Name: "pk"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := h.WaitFor(ctx, EntryCondition, string(chaosv1alpha1.ConditionAllInjected), "True")
		done <- err
	}()
	// Entries that do not match must not end the wait.
	h.observe(time.Now(), status(chaosv1alpha1.RunningPhase, map[chaosv1alpha1.ChaosConditionType]corev1.ConditionStatus{chaosv1alpha1.ConditionAllInjected: corev1.ConditionFalse}))
	h.observe(time.Now(), status(chaosv1alpha1.RunningPhase, map[chaosv1alpha1.ChaosConditionType]corev1.ConditionStatus{chaosv1alpha1.ConditionAllInjected: corev1.ConditionTrue}))
	if err := <-done; err != nil {
		t.Fatalf("WaitFor: %v", err)
	}
}

func TestHistoryWaitForEndsOnDeleteAndTimeout(t *testing.T) {
	h := newHistory(Ref{Kind: PodChaos, Namespace: "ns", Name: "pk"})
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.WaitFor(short, EntryCondition, "AllInjected", "True"); err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("WaitFor with no change = %v, want a deadline error", err)
	}
	h.markDeleted(time.Now())
	if _, err := h.WaitFor(context.Background(), EntryCondition, "AllInjected", "True"); err == nil || !strings.Contains(err.Error(), "deleted before AllInjected=True") {
		t.Errorf("WaitFor after delete = %v, want 'deleted before'", err)
	}
}
