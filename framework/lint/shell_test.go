package lint

import (
	"reflect"
	"testing"
)

func TestCommands(t *testing.T) {
	script := `set -eu
# a comment
aws s3 sync s3://a s3://b \
  --storage-class GLACIER_IR
aws s3 cp s3://b/m.json "s3://b/m-$(date +%Y%m%d %H).json" && echo 'done; ok'
aws s3api list-objects-v2 --bucket b > /tmp/l.json; cat x | tee y
`
	want := []command{
		{line: 0, words: []string{"set", "-eu"}, sep: "\n"},
		{line: 2, words: []string{"aws", "s3", "sync", "s3://a", "s3://b", "--storage-class", "GLACIER_IR"}, sep: "\n"},
		{line: 4, words: []string{"aws", "s3", "cp", "s3://b/m.json", "s3://b/m-$(date +%Y%m%d %H).json"}, sep: "&&"},
		{line: 4, words: []string{"echo", "done; ok"}, sep: "\n"},
		{line: 5, words: []string{"aws", "s3api", "list-objects-v2", "--bucket", "b"}, redirects: []string{"/tmp/l.json"}, sep: ";"},
		{line: 5, words: []string{"cat", "x"}, sep: "|"},
		{line: 5, words: []string{"tee", "y"}, sep: "\n"},
	}
	got := commands(script)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("commands:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseScale(t *testing.T) {
	cases := []struct {
		in   []string
		want scaleStep
		ok   bool
	}{
		{[]string{"kubectl", "--context=dr-cluster", "scale", "deployment", "inference-service", "--replicas=10", "-n", "ml-serving"},
			scaleStep{deployment: "inference-service", namespace: "ml-serving", context: "dr-cluster", replicas: 10}, true},
		{[]string{"kubectl", "scale", "deploy/web", "--replicas", "3", "--namespace=app"}, scaleStep{deployment: "web", namespace: "app", replicas: 3}, true},
		{[]string{"kubectl", "-n", "app", "scale", "deployments.apps", "web", "--replicas=2"}, scaleStep{deployment: "web", namespace: "app", replicas: 2}, true},
		{[]string{"kubectl", "scale", "statefulset", "db", "--replicas=3"}, scaleStep{}, false},
		{[]string{"kubectl", "scale", "deployment", "web"}, scaleStep{}, false},
		{[]string{"kubectl", "scale", "deployment", "web", "--replicas=many"}, scaleStep{}, false},
		{[]string{"kubectl", "get", "pods"}, scaleStep{}, false},
	}
	for _, c := range cases {
		got, ok := parseScale(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("parseScale(%q) = %+v %v, want %+v %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestDateResolution(t *testing.T) {
	cases := map[string]string{
		"s3://b/m-$(date +%Y%m%d).json":            "24h0m0s",
		"s3://b/m-$(date -u +%Y%m%dT%H%M%SZ).json": "1s",
		"s3://b/m-$(date +%Y-%m).json":             "672h0m0s",
		"s3://b/m-$(date +%-H).json":               "1h0m0s",
		"s3://b/m-$(date).json":                    "1s",
		"s3://b/manifest.json":                     "none",
		"s3://b/m-$(date +%Y%m%d":                  "none",
	}
	for in, want := range cases {
		d, ok := dateResolution(in)
		got := "none"
		if ok {
			got = d.String()
		}
		if got != want {
			t.Errorf("dateResolution(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzCommands(f *testing.F) {
	f.Add("set -e\naws s3 sync a b \\\n --x y\necho $(date +%s) > f && 'q' \"w\"")
	f.Add("kubectl --context=dr scale deployment x --replicas=10 -n y")
	f.Add("$(((")
	f.Fuzz(func(t *testing.T, script string) {
		lines := 0
		for _, c := range script {
			if c == '\n' {
				lines++
			}
		}
		for _, c := range commands(script) {
			if len(c.words) == 0 || c.line < 0 || c.line > lines {
				t.Fatalf("command %+v outside %d lines", c, lines)
			}
			parseScale(c.words)
			dateResolution(c.words[len(c.words)-1])
		}
		commands(fencedCode(script))
	})
}
