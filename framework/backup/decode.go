package backup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"

	"gameday.io/gameday/framework"
)

// Kinds of schedules ScheduleFromFile understands.
const (
	KindCronJob        = "CronJob"
	KindVeleroSchedule = "Schedule"
	veleroAPIVersion   = "velero.io/v1"
)

// ScheduleFromFile returns the backup schedules in a YAML file of Kubernetes
// manifests: every batch/v1 CronJob and velero.io/v1 Schedule, in file order,
// each with the line of its spec.schedule. Other objects are skipped. A file
// without schedules, or with a malformed one, is an ErrInvalid error naming
// the file and line.
func ScheduleFromFile(path string) ([]*Schedule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("schedule file %s: %w: %w", path, framework.ErrNotFound, framework.ErrInvalid)
		}
		return nil, fmt.Errorf("schedule file %s: %w", path, err)
	}
	out, err := SchedulesFromYAML(data, path)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no CronJob or Velero Schedule found: %w", path, framework.ErrInvalid)
	}
	return out, nil
}

// SchedulesFromYAML is ScheduleFromFile on data already read; file names it
// in messages.
func SchedulesFromYAML(data []byte, file string) ([]*Schedule, error) {
	var out []*Schedule
	dec := yamlv3.NewDecoder(bytes.NewReader(data))
	for {
		var doc yamlv3.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			shareBuckets(out)
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v: %w", file, err, framework.ErrInvalid)
		}
		s, err := scheduleFromNode(&doc, file)
		if err != nil {
			return nil, err
		}
		if s != nil {
			out = append(out, s)
		}
	}
}

// scheduleFromNode decodes one YAML document with the real types: a CronJob
// through client-go's scheme, a Velero Schedule as unstructured.
func scheduleFromNode(doc *yamlv3.Node, file string) (*Schedule, error) {
	root := doc
	if root.Kind == yamlv3.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yamlv3.MappingNode {
		return nil, nil // empty document or not an object
	}
	apiVersion, kind := scalar(root, "apiVersion"), scalar(root, "kind")
	isCron := kind == KindCronJob && apiVersion == batchv1.SchemeGroupVersion.String()
	isVelero := kind == KindVeleroSchedule && apiVersion == veleroAPIVersion
	if !isCron && !isVelero {
		return nil, nil
	}
	src := Source{File: file, Line: root.Line}
	if n := lookup(root, "spec", "schedule"); n != nil {
		src.Line = n.Line
	}
	raw, err := yamlv3.Marshal(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %w", src, err, framework.ErrInvalid)
	}
	if isCron {
		obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(raw, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: decode CronJob: %v: %w", src, err, framework.ErrInvalid)
		}
		cj, ok := obj.(*batchv1.CronJob)
		if !ok {
			return nil, fmt.Errorf("%s: decoded %T, want a batch/v1 CronJob: %w", src, obj, framework.ErrInvalid)
		}
		tz := ""
		if cj.Spec.TimeZone != nil {
			tz = *cj.Spec.TimeZone
		}
		s, err := newFound(KindCronJob, apiVersion, cj.Name, cj.Namespace, cj.Spec.Schedule, tz, src)
		if err != nil {
			return nil, err
		}
		return s, cronJobBuckets(s, cj, root)
	}
	var u unstructured.Unstructured
	if err := yaml.Unmarshal(raw, &u.Object); err != nil {
		return nil, fmt.Errorf("%s: decode Velero Schedule: %v: %w", src, err, framework.ErrInvalid)
	}
	expr, found, err := unstructured.NestedString(u.Object, "spec", "schedule")
	if err != nil || !found {
		return nil, fmt.Errorf("%s: Velero Schedule %s has no string spec.schedule: %w", src, u.GetName(), framework.ErrInvalid)
	}
	return newFound(KindVeleroSchedule, apiVersion, u.GetName(), u.GetNamespace(), expr, "", src)
}

func newFound(kind, apiVersion, name, namespace, expr, tz string, src Source) (*Schedule, error) {
	if name == "" {
		return nil, fmt.Errorf("%s: %s without metadata.name: %w", src, kind, framework.ErrInvalid)
	}
	s, err := NewSchedule(kind, name, expr, tz, src)
	if err != nil {
		return nil, err
	}
	s.APIVersion, s.Namespace = apiVersion, namespace
	return s, nil
}

// cronJobBuckets sets s.Buckets to what the CronJob's copy command copies,
// with the file and line of the command.
func cronJobBuckets(s *Schedule, cj *batchv1.CronJob, root *yamlv3.Node) error {
	syncs, err := CronJobSyncs(cj)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Source.File, err)
	}
	if s.Buckets, err = syncsBuckets("CronJob "+name(cj.Namespace, cj.Name), syncs); err != nil || s.Buckets.IsZero() {
		return err
	}
	at := Source{File: s.Source.File, Line: root.Line}
	if n := lookupField(root, syncs[0].Field); n != nil {
		at.Line = n.Line
		if n.Kind == yamlv3.ScalarNode && n.Style&yamlv3.LiteralStyle != 0 {
			at.Line += 1 + syncs[0].Line // a | block starts on the next line
		}
	}
	s.BucketsFrom = fmt.Sprintf("%s %s", at, syncs[0].Field)
	return nil
}

// lookupField follows a field path such as a.b[0].c[2] from n.
func lookupField(n *yamlv3.Node, path string) *yamlv3.Node {
	for _, part := range strings.Split(path, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if n = lookup(n, key); n == nil {
			return nil
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(idx)
			if err != nil || n.Kind != yamlv3.SequenceNode || i < 0 || i >= len(n.Content) {
				return nil
			}
			n, rest = n.Content[i], strings.TrimPrefix(after, "[")
		}
	}
	return n
}

// lookup follows mapping keys from n.
func lookup(n *yamlv3.Node, path ...string) *yamlv3.Node {
	for _, k := range path {
		if n == nil || n.Kind != yamlv3.MappingNode {
			return nil
		}
		var next *yamlv3.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

func scalar(n *yamlv3.Node, key string) string {
	if v := lookup(n, key); v != nil && v.Kind == yamlv3.ScalarNode {
		return v.Value
	}
	return ""
}

// Find returns the schedule named name (any kind), or the only schedule when
// name is empty and there is exactly one CronJob.
func Find(scheds []*Schedule, name string) (*Schedule, error) {
	var cronJobs []*Schedule
	for _, s := range scheds {
		if name != "" && s.Name == name {
			return s, nil
		}
		if s.Kind == KindCronJob {
			cronJobs = append(cronJobs, s)
		}
	}
	if name == "" && len(cronJobs) == 1 {
		return cronJobs[0], nil
	}
	names := make([]string, len(scheds))
	for i, s := range scheds {
		names[i] = s.ID()
	}
	if name == "" {
		return nil, fmt.Errorf("%d CronJobs found (%v): name the backup schedule: %w", len(cronJobs), names, framework.ErrInvalid)
	}
	return nil, fmt.Errorf("no schedule named %q (found %v): %w", name, names, framework.ErrInvalid)
}
