package backup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

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
		return newFound(KindCronJob, apiVersion, cj.Name, cj.Namespace, cj.Spec.Schedule, tz, src)
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
