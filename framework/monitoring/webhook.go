package monitoring

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Notification statuses as Alertmanager sends them.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// Notification is one alert of one webhook notification from Alertmanager.
type Notification struct {
	// Alert is the alertname label.
	Alert string
	// Labels are all the alert's labels (alertname included).
	Labels map[string]string
	// Status is StatusFiring or StatusResolved.
	Status string
	// StartsAt is when Prometheus says the alert started firing; EndsAt
	// when it resolved (zero while firing).
	StartsAt, EndsAt time.Time
	// Received is when the receiver got the notification.
	Received time.Time
	// Body is the whole notification as Alertmanager sent it (what an
	// automation such as an Argo Events Sensor receives as its event body).
	Body json.RawMessage
}

// Receiver is an http.Handler for Alertmanager's webhook notifications that
// records each alert it is told about. Safe for concurrent use.
type Receiver struct {
	log *slog.Logger
	now func() time.Time

	mu    sync.Mutex
	notes []Notification
	subs  []func(Notification)
}

// NewReceiver returns an empty Receiver that logs each notification to log.
func NewReceiver(log *slog.Logger) *Receiver {
	return &Receiver{log: log, now: time.Now}
}

// webhookPayload is the part of Alertmanager's webhook body (version 4) that
// the receiver reads.
type webhookPayload struct {
	Version string `json:"version"`
	Alerts  []struct {
		Status   string            `json:"status"`
		Labels   map[string]string `json:"labels"`
		StartsAt time.Time         `json:"startsAt"`
		EndsAt   time.Time         `json:"endsAt"`
	} `json:"alerts"`
}

// maxWebhookBody bounds a notification body; Alertmanager's are a few KiB.
const maxWebhookBody = 1 << 20

// ServeHTTP records the alerts of one notification: 200 when read, 405 for
// anything but POST, 400 for a body that is not a webhook notification.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "POST an Alertmanager webhook notification", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "read the notification: "+err.Error(), http.StatusBadRequest)
		return
	}
	var p webhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, "not an Alertmanager webhook notification: "+err.Error(), http.StatusBadRequest)
		return
	}
	got := r.now()
	notes := make([]Notification, 0, len(p.Alerts))
	for _, a := range p.Alerts {
		if a.Status != StatusFiring && a.Status != StatusResolved {
			http.Error(w, "alert status "+a.Status+": want firing or resolved", http.StatusBadRequest)
			return
		}
		n := Notification{Alert: a.Labels["alertname"], Labels: a.Labels, Status: a.Status, StartsAt: a.StartsAt, Received: got, Body: body}
		if a.Status == StatusResolved {
			n.EndsAt = a.EndsAt
		}
		notes = append(notes, n)
	}
	r.mu.Lock()
	r.notes = append(r.notes, notes...)
	subs := slices.Clone(r.subs)
	r.mu.Unlock()
	for _, n := range notes {
		r.log.Info("alert notification", "alert", n.Alert, "status", n.Status, "startsAt", n.StartsAt, "labels", n.Labels)
		for _, f := range subs {
			f(n)
		}
	}
}

// Subscribe calls f with every notification received from now on, in the
// handler's goroutine (f must return promptly). It is how an automation such
// as the platform's failover Sensor reacts to alerts.
func (r *Receiver) Subscribe(f func(Notification)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs = append(r.subs, f)
}

// Notifications returns a copy of every notification received, in arrival order.
func (r *Receiver) Notifications() []Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.notes)
}

// First returns the first notification of alert with status, if any.
func (r *Receiver) First(alert, status string) (Notification, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.notes {
		if n.Alert == alert && n.Status == status {
			return n, true
		}
	}
	return Notification{}, false
}
