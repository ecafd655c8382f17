package evidence

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"gameday.io/gameday/framework"
)

// Redacted replaces a secret.
const Redacted = "[REDACTED]"

// MinSecretLen is the shortest secret value scrubbed from free text; shorter
// values would wipe out ordinary words and numbers (they are still redacted
// where a sensitive name labels them).
const MinSecretLen = 4

// sensitiveWords make a name sensitive when it contains one (case-insensitive).
var sensitiveWords = []string{"key", "secret", "password", "passwd", "token", "credential", "signature"}

// referenceNames contain a sensitive word but name or point to a secret
// rather than hold one (Kubernetes structure).
var referenceNames = []string{"key", "keys", "topologykey", "datakey", "secretname", "secretref", "secretkeyref", "keyref", "tokenref"}

// SensitiveName reports whether a field, parameter or variable name looks
// like it holds a secret: it contains key, secret, password, passwd, token,
// credential or signature, and is not one of the Kubernetes names that only
// refer to a secret (key, topologyKey, secretKeyRef, secretName, ...).
func SensitiveName(name string) bool {
	n := strings.ToLower(name)
	if slices.Contains(referenceNames, n) {
		return false
	}
	for _, w := range sensitiveWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// assignment finds NAME=value and NAME: value in free text.
var assignment = regexp.MustCompile(`([A-Za-z0-9_.-]+)("?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)`)

// bearer finds HTTP bearer tokens.
var bearer = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}`)

// Redactor keeps secrets out of evidence. It redacts by name (values of
// sensitive names in maps and NAME=value text) and by value (every secret it
// was told about, wherever it appears).
type Redactor struct {
	values []string
}

// NewRedactor returns a redactor that knows no secret value yet.
func NewRedactor() *Redactor { return &Redactor{} }

// AddValues adds secret values to scrub from every string.
func (r *Redactor) AddValues(values ...string) {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if len(v) >= MinSecretLen && !slices.Contains(r.values, v) {
			r.values = append(r.values, v)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	slices.SortFunc(r.values, func(a, b string) int { return len(b) - len(a) })
}

// AddManifestFiles reads Kubernetes manifests (multi-document YAML) and adds
// the secrets in them (AddManifests).
func (r *Redactor) AddManifestFiles(paths ...string) error {
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("redactor: %w", err)
		}
		if err := r.AddManifests(p, data); err != nil {
			return err
		}
	}
	return nil
}

// AddManifests adds the secrets of manifests (multi-document YAML) named
// file: every value of a Secret's data (raw and base64-decoded) and
// stringData, every literal env value whose variable name is sensitive, and
// every string scalar under a sensitive key.
func (r *Redactor) AddManifests(file string, data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("redactor: %s document %d: %v: %w", file, i+1, err, framework.ErrInvalid)
		}
		r.collect(&doc, mapValue(&doc, "kind") == "Secret")
	}
}

// collect walks a YAML node; secret marks the top of a Secret object.
func (r *Redactor) collect(n *yaml.Node, secret bool) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			r.collect(c, secret)
		}
	case yaml.MappingNode:
		if name := mapValue(n, "name"); name != "" && SensitiveName(name) {
			r.AddValues(mapValue(n, "value")) // an env var: {name: X_TOKEN, value: ...}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch {
			case secret && (k.Value == "data" || k.Value == "stringData") && v.Kind == yaml.MappingNode:
				r.addSecretData(v, k.Value == "data")
			case v.Kind == yaml.ScalarNode && v.Tag == "!!str" && SensitiveName(k.Value):
				r.AddValues(v.Value)
			default:
				r.collect(v, false)
			}
		}
	}
}

func (r *Redactor) addSecretData(m *yaml.Node, encoded bool) {
	for i := 1; i < len(m.Content); i += 2 {
		v := m.Content[i].Value
		r.AddValues(v)
		if encoded {
			if b, err := base64.StdEncoding.DecodeString(v); err == nil {
				r.AddValues(string(b))
			}
		}
	}
}

// mapValue returns the string scalar under key in a mapping (or a
// document's mapping), "" when absent.
func mapValue(n *yaml.Node, key string) string {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// String scrubs one string: known secret values, values assigned to
// sensitive names (NAME=value, NAME: value) and bearer tokens.
func (r *Redactor) String(s string) string {
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, Redacted)
	}
	s = assignment.ReplaceAllStringFunc(s, func(m string) string {
		g := assignment.FindStringSubmatch(m)
		if !SensitiveName(g[1]) || g[3] == Redacted {
			return m
		}
		return g[1] + g[2] + Redacted
	})
	return bearer.ReplaceAllString(s, "$1 "+Redacted)
}

// Redact scrubs every string of ev in place: map values under sensitive
// names become Redacted, every other string goes through String.
func (r *Redactor) Redact(ev *Evidence) { r.walk(reflect.ValueOf(ev)) }

// Redact scrubs ev by name only (no known secret values).
func Redact(ev *Evidence) { NewRedactor().Redact(ev) }

var timeType = reflect.TypeFor[time.Time]()

func (r *Redactor) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			r.walk(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				r.walk(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			r.walk(v.Index(i))
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.String {
			return
		}
		iter := v.MapRange()
		for iter.Next() {
			k, val := iter.Key(), iter.Value().String()
			if SensitiveName(k.String()) {
				val = Redacted
			} else {
				val = r.String(val)
			}
			v.SetMapIndex(k, reflect.ValueOf(val).Convert(v.Type().Elem()))
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(r.String(v.String()))
		}
	}
}
