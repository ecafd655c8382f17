package monitoring

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gameday.io/gameday/framework"
)

// amPayload is a notification as Alertmanager v0.35 sends it (version 4).
const amPayload = `{"receiver":"gameday","status":"%s","alerts":[{"status":"%s",
 "labels":{"alertname":"InferenceServiceDown","severity":"critical","runbook":"dr-runbook"},
 "annotations":{"summary":"x"},"startsAt":"2026-12-05T02:00:12.5Z","endsAt":"%s",
 "generatorURL":"http://127.0.0.1:9090/graph","fingerprint":"abc"}],
 "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://127.0.0.1:9093",
 "version":"4","groupKey":"{}:{}","truncatedAlerts":0}`

func post(t *testing.T, url, body string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestReceiverRecordsNotifications(t *testing.T) {
	r := NewReceiver(framework.DiscardLogger())
	received := time.Date(2026, 12, 5, 2, 0, 13, 0, time.UTC)
	r.now = func() time.Time { return received }
	var seen atomic.Int32
	r.Subscribe(func(n Notification) { seen.Add(1) })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	if code := post(t, srv.URL, fmt.Sprintf(amPayload, "firing", "firing", "0001-01-01T00:00:00Z")); code != http.StatusOK {
		t.Fatalf("firing notification: %d", code)
	}
	if code := post(t, srv.URL, fmt.Sprintf(amPayload, "resolved", "resolved", "2026-12-05T02:00:20Z")); code != http.StatusOK {
		t.Fatalf("resolved notification: %d", code)
	}
	notes := r.Notifications()
	if len(notes) != 2 || seen.Load() != 2 {
		t.Fatalf("got %d notifications (%d to the subscriber), want 2: %+v", len(notes), seen.Load(), notes)
	}
	f, ok := r.First("InferenceServiceDown", StatusFiring)
	if !ok || f.Labels["runbook"] != "dr-runbook" || !f.StartsAt.Equal(time.Date(2026, 12, 5, 2, 0, 12, 5e8, time.UTC)) ||
		!f.EndsAt.IsZero() || !f.Received.Equal(received) {
		t.Errorf("firing notification %+v", f)
	}
	res, ok := r.First("InferenceServiceDown", StatusResolved)
	if !ok || !res.EndsAt.Equal(time.Date(2026, 12, 5, 2, 0, 20, 0, time.UTC)) {
		t.Errorf("resolved notification %+v", res)
	}
	if _, ok := r.First("ZoneFailure", StatusFiring); ok {
		t.Error("First found an alert that was never sent")
	}
}

func TestReceiverRejects(t *testing.T) {
	r := NewReceiver(framework.DiscardLogger())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
	for _, body := range []string{"", "{", `{"alerts":[{"status":"weird","labels":{"alertname":"A"}}]}`} {
		if code := post(t, srv.URL, body); code != http.StatusBadRequest {
			t.Errorf("POST %q: %d, want 400", body, code)
		}
	}
	if n := r.Notifications(); len(n) != 0 {
		t.Errorf("recorded %+v from rejected posts", n)
	}
}
