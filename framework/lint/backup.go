package lint

import (
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"gameday.io/gameday/fixtures"
)

// backupJob is a CronJob that copies data somewhere for safekeeping.
type backupJob struct {
	obj *fixtures.Object
	cj  *batchv1.CronJob
}

// backupWords mark a container command as a backup.
var backupWords = []string{"s3 sync", "s3 cp", "velero backup", "gsutil", "rclone", "restic", "pg_dump", "mysqldump", "etcdctl snapshot"}

// backupJobs returns the CronJobs that are backups: named *backup* or running
// a known copy or dump tool.
func (in *Input) backupJobs() []backupJob {
	var out []backupJob
	for _, o := range in.Platform.Objects {
		cj, ok := o.Object.(*batchv1.CronJob)
		if !ok {
			continue
		}
		is := strings.Contains(strings.ToLower(cj.Name), "backup")
		for _, s := range jobScripts(cj) {
			for _, w := range backupWords {
				is = is || strings.Contains(s.text, w)
			}
		}
		if is {
			out = append(out, backupJob{obj: o, cj: cj})
		}
	}
	return out
}

// script is the text a container runs, with the field it comes from.
type script struct {
	container string
	path      string // field path of the string holding the text
	text      string
	shell     bool // run by sh -c / bash -c: text is a script
}

// jobScripts returns what each container of a CronJob runs: the argument of
// `sh -c` when it uses a shell, else the command and args joined.
func jobScripts(cj *batchv1.CronJob) []script {
	var out []script
	for i, c := range cj.Spec.JobTemplate.Spec.Template.Spec.Containers {
		base := fmt.Sprintf("spec.jobTemplate.spec.template.spec.containers[%d]", i)
		out = append(out, containerScript(c, base))
	}
	return out
}

func containerScript(c corev1.Container, base string) script {
	argv := append(append([]string(nil), c.Command...), c.Args...)
	for i := 0; i+2 < len(argv); i++ {
		sh := argv[i][strings.LastIndex(argv[i], "/")+1:]
		if (sh == "sh" || sh == "bash" || sh == "ash" || sh == "dash") && strings.HasPrefix(argv[i+1], "-") && strings.Contains(argv[i+1], "c") {
			field, j := "command", i+2
			if j >= len(c.Command) {
				field, j = "args", j-len(c.Command)
			}
			return script{container: c.Name, path: fmt.Sprintf("%s.%s[%d]", base, field, j), text: argv[i+2], shell: true}
		}
	}
	return script{container: c.Name, path: base + ".command", text: strings.Join(argv, " ")}
}

// veleroSchedule is a velero.io Schedule read from its unstructured form.
type veleroSchedule struct {
	obj                  *fixtures.Object
	schedule             string
	paused               bool
	ttl                  string
	namespaces, excludeN []string
	resources, excludeR  []string
	labelSelector        map[string]any
	orLabelSelectors     []any
	problems             []Finding // fields of the wrong type
}

func (in *Input) veleroSchedules() []veleroSchedule {
	var out []veleroSchedule
	for _, o := range in.Platform.ByGroupKind(fixtures.VeleroScheduleGK) {
		u, ok := o.Object.(*unstructured.Unstructured)
		if !ok {
			continue
		}
		v := veleroSchedule{obj: o}
		r := fieldReader{obj: o, u: u.Object}
		v.schedule = r.str("spec", "schedule")
		v.paused = r.boolean("spec", "paused")
		v.ttl = r.str("spec", "template", "ttl")
		v.namespaces = r.strs("spec", "template", "includedNamespaces")
		v.excludeN = r.strs("spec", "template", "excludedNamespaces")
		v.resources = append(r.strs("spec", "template", "includedResources"), r.strs("spec", "template", "includedNamespaceScopedResources")...)
		v.excludeR = append(r.strs("spec", "template", "excludedResources"), r.strs("spec", "template", "excludedNamespaceScopedResources")...)
		v.labelSelector = r.object("spec", "template", "labelSelector")
		v.orLabelSelectors = r.slice("spec", "template", "orLabelSelectors")
		v.problems = r.problems
		out = append(out, v)
	}
	return out
}

// fieldReader reads typed fields of an unstructured object, recording a
// finding for each field of the wrong type.
type fieldReader struct {
	obj      *fixtures.Object
	prefix   string // field path of u within the object ("" for the root)
	u        map[string]any
	problems []Finding
}

func (r *fieldReader) fail(path []string, err error) {
	p := strings.Join(path, ".")
	if r.prefix != "" {
		p = r.prefix + "." + p
	}
	r.problems = append(r.problems, Finding{Rule: "invalid-value", Severity: SeverityError, Position: r.obj.At(p), Object: r.obj.Ref(),
		Message: fmt.Sprintf("%s: %v", p, err), Fix: "write the field with the type the CRD defines"})
}

func (r *fieldReader) str(path ...string) string {
	v, _, err := unstructured.NestedString(r.u, path...)
	if err != nil {
		r.fail(path, err)
	}
	return v
}

func (r *fieldReader) boolean(path ...string) bool {
	v, _, err := unstructured.NestedBool(r.u, path...)
	if err != nil {
		r.fail(path, err)
	}
	return v
}

func (r *fieldReader) strs(path ...string) []string {
	v, _, err := unstructured.NestedStringSlice(r.u, path...)
	if err != nil {
		r.fail(path, err)
	}
	return v
}

func (r *fieldReader) object(path ...string) map[string]any {
	v, _, err := unstructured.NestedMap(r.u, path...)
	if err != nil {
		r.fail(path, err)
	}
	return v
}

func (r *fieldReader) slice(path ...string) []any {
	v, _, err := unstructured.NestedSlice(r.u, path...)
	if err != nil {
		r.fail(path, err)
	}
	return v
}
