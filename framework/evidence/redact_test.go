package evidence_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"gameday.io/gameday/framework/evidence"
	"gameday.io/gameday/framework/evidence/evidencetest"
)

// plantedSecrets are the secret values of testdata/secrets.yaml.
var plantedSecrets = []string{
	"GDAKIASECRET0000001",
	"R0RBS0lBU0VDUkVUMDAwMDAwMQ==",
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"hunter2-registry-pass",
	"hf_sampleTokenValue123",
	"tok-literal-0451",
}

func TestSensitiveName(t *testing.T) {
	tests := map[string]bool{
		"AWS_SECRET_ACCESS_KEY": true, "accessKey": true, "api-token": true, "DB_PASSWORD": true,
		"passwd": true, "credentials": true, "X-Amz-Signature": true, "hf_token": true,
		"key": false, "topologyKey": false, "secretKeyRef": false, "secretName": false, "dataKey": false,
		"region": false, "nodes": false, "bucket": false, "replicas": false,
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			if got := evidence.SensitiveName(name); got != want {
				t.Errorf("SensitiveName(%q) = %v, want %v", name, got, want)
			}
		})
	}
}

func TestRedactorString(t *testing.T) {
	r := evidence.NewRedactor()
	r.AddValues("s3cr3t-value", "ab") // "ab" is too short to scrub from text
	tests := []struct{ in, want string }{
		{"AWS_SECRET_ACCESS_KEY=abc123 next", "AWS_SECRET_ACCESS_KEY=[REDACTED] next"},
		{"password: hunter2", "password: [REDACTED]"},
		{`{"token": "xyz"}`, `{"token": [REDACTED]}`},
		{"GET /x?token=abc&region=us", "GET /x?token=[REDACTED]&region=us"},
		{"Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer [REDACTED]"},
		{"the value s3cr3t-value leaked", "the value [REDACTED] leaked"},
		{"topologyKey: topology.kubernetes.io/zone", "topologyKey: topology.kubernetes.io/zone"},
		{"key: access-key", "key: access-key"},
		{"about 1 ab test", "about 1 ab test"},
		{"RTO: 41.2s", "RTO: 41.2s"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := r.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// plant puts secrets everywhere free text or parameters can carry them.
func plant(ev *evidence.Evidence) {
	d := &ev.Drills[0]
	d.Faults[0].Parameters["accessKey"] = "GDAKIASECRET0000001"
	d.Faults[0].Parameters["endpoint"] = "http://127.0.0.1:9000?X-Amz-Credential=GDAKIASECRET0000001"
	d.Description += " (creds wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY)"
	d.Error = "restore failed: AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rejected"
	d.Findings = append(d.Findings, evidence.Finding{ID: "leak", Severity: evidence.SeverityInfo,
		Message: "env API_TOKEN was tok-literal-0451", Evidence: "data: hf_token=hf_sampleTokenValue123 password hunter2-registry-pass"})
	d.Objectives[0].Detail = "base64 R0RBS0lBU0VDUkVUMDAwMDAwMQ=="
	d.Findings = append(d.Findings, evidence.Finding{ID: "spread", Severity: evidence.SeverityInfo,
		Message: "spread on topologyKey: topology.kubernetes.io/zone", Evidence: "secretKeyRef key: secret-key"})
	ev.Error = "login with hunter2-registry-pass failed"
	ev.GameDay.Notes = "shared the token tok-literal-0451 in chat"
}

func TestRedactEvidence(t *testing.T) {
	r := evidence.NewRedactor()
	if err := r.AddManifestFiles("testdata/secrets.yaml"); err != nil {
		t.Fatal(err)
	}
	ev := evidencetest.Failing()
	plant(ev)
	r.Redact(ev)
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range plantedSecrets {
		if strings.Contains(string(b), s) {
			t.Errorf("secret %q survived redaction", s)
		}
	}
	if got := ev.Drills[0].Faults[0].Parameters["accessKey"]; got != evidence.Redacted {
		t.Errorf("parameter accessKey = %q, want redacted by name", got)
	}
	for _, keep := range []string{"topology.kubernetes.io/zone", "us-east1", "zone-outage", "http://127.0.0.1:9000"} {
		if !strings.Contains(string(b), keep) {
			t.Errorf("redaction removed ordinary text %q", keep)
		}
	}
}

func TestAddManifestsIgnoresNonSecrets(t *testing.T) {
	r := evidence.NewRedactor()
	data, err := os.ReadFile("testdata/secrets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddManifests("secrets.yaml", data); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"topology.kubernetes.io/zone", "us-east1", "false", "secret-key", "aws-backup-creds", "default"} {
		if got := r.String("x " + s + " y"); got != "x "+s+" y" {
			t.Errorf("ordinary value %q was treated as a secret: %q", s, got)
		}
	}
	if err := r.AddManifests("bad.yaml", []byte("a: [")); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("bad YAML: %v, want an error naming the file", err)
	}
}

func TestRedactReferenceFixtures(t *testing.T) {
	// The reference backup manifests only refer to their secret; reading
	// them adds nothing that would wipe ordinary text.
	r := evidence.NewRedactor()
	if err := r.AddManifestFiles("../../fixtures/reference/backup.yaml", "../../fixtures/reference/inference.yaml"); err != nil {
		t.Fatal(err)
	}
	in := "aws s3 sync s3://model-registry s3://model-registry-backup with key secret-key of aws-backup-creds"
	if got := r.String(in); got != in {
		t.Errorf("String(%q) = %q", in, got)
	}
}
