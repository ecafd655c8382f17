package monitoring

import (
	"errors"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"gameday.io/gameday/framework"
)

func TestRenderAlertmanager(t *testing.T) {
	data, err := RenderAlertmanager(AlertmanagerConfig{WebhookURL: "http://127.0.0.1:8999/alerts", GroupInterval: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Route     map[string]any `yaml:"route"`
		Receivers []struct {
			Name     string `yaml:"name"`
			Webhooks []struct {
				URL          string `yaml:"url"`
				SendResolved bool   `yaml:"send_resolved"`
			} `yaml:"webhook_configs"`
		} `yaml:"receivers"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	r := doc.Route
	if r["receiver"] != ReceiverName || r["group_wait"] != "0s" || r["group_interval"] != "2s" || r["repeat_interval"] != "1h" {
		t.Errorf("route %v", r)
	}
	if by, _ := r["group_by"].([]any); len(by) != 1 || by[0] != "..." {
		t.Errorf("group_by %v, want [...] (one group per alert)", r["group_by"])
	}
	if len(doc.Receivers) != 1 || doc.Receivers[0].Name != ReceiverName || len(doc.Receivers[0].Webhooks) != 1 ||
		doc.Receivers[0].Webhooks[0].URL != "http://127.0.0.1:8999/alerts" || !doc.Receivers[0].Webhooks[0].SendResolved {
		t.Errorf("receivers %+v, want the webhook with send_resolved", doc.Receivers)
	}
}

func TestRenderAlertmanagerRejects(t *testing.T) {
	for _, c := range []AlertmanagerConfig{
		{WebhookURL: ""},
		{WebhookURL: "127.0.0.1:8999/alerts"},
		{WebhookURL: "http://127.0.0.1:8999/alerts", GroupWait: -time.Second},
	} {
		if _, err := RenderAlertmanager(c); !errors.Is(err, framework.ErrInvalid) {
			t.Errorf("%+v: err %v, want ErrInvalid", c, err)
		}
	}
}
