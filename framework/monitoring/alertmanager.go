package monitoring

import (
	"net/url"
	"time"

	"go.yaml.in/yaml/v3"

	"gameday.io/gameday/framework"
)

// AlertmanagerConfig is what RenderAlertmanager writes into alertmanager.yml.
type AlertmanagerConfig struct {
	// WebhookURL receives every notification (see Receiver).
	WebhookURL string
	// GroupWait is how long a new alert waits before its first
	// notification; GroupInterval how long before a change of it (such as
	// its resolution) is sent; RepeatInterval how long before a still-firing
	// alert is sent again. Zero values take the Default* below.
	GroupWait, GroupInterval, RepeatInterval time.Duration
}

// Notification timings of the drills' Alertmanager: every alert is its own
// group and is sent at once, so a notification's time is the alert's time
// plus delivery. The platform's own Alertmanager settings are not part of the
// reference manifests.
const (
	DefaultGroupWait      = 0
	DefaultGroupInterval  = time.Second
	DefaultRepeatInterval = time.Hour
)

// ReceiverName is the Alertmanager receiver that every alert is routed to.
const ReceiverName = "gameday"

// RenderAlertmanager renders c as an Alertmanager configuration file that
// routes every alert, ungrouped, to the webhook, resolutions included.
func RenderAlertmanager(c AlertmanagerConfig) ([]byte, error) {
	if u, err := url.Parse(c.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, framework.Invalidf("alertmanager config", "webhook URL %q: want http://host:port/path", c.WebhookURL)
	}
	if c.GroupInterval == 0 {
		c.GroupInterval = DefaultGroupInterval
	}
	if c.RepeatInterval == 0 {
		c.RepeatInterval = DefaultRepeatInterval
	}
	if c.GroupWait < 0 || c.GroupInterval < 0 || c.RepeatInterval < 0 {
		return nil, framework.Invalidf("alertmanager config", "negative notification interval in %+v", c)
	}
	cfg := map[string]any{
		"route": map[string]any{
			"receiver": ReceiverName,
			// "..." groups by every label: one group, and one notification, per alert.
			"group_by":        []string{"..."},
			"group_wait":      FormatDuration(c.GroupWait),
			"group_interval":  FormatDuration(c.GroupInterval),
			"repeat_interval": FormatDuration(c.RepeatInterval),
		},
		"receivers": []any{map[string]any{
			"name": ReceiverName,
			"webhook_configs": []any{map[string]any{
				"url": c.WebhookURL, "send_resolved": true,
			}},
		}},
	}
	return yaml.Marshal(cfg)
}
