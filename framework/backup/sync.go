package backup

import (
	"fmt"
	"os"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
)

// BucketSync is one bucket-to-bucket copy a CronJob's container runs, such
// as `aws s3 sync s3://SOURCE s3://DESTINATION`: the platform's model bucket
// (the source) and its backup bucket (the destination).
type BucketSync struct {
	Buckets storage.Buckets
	// Field is the path of the string holding the command, e.g.
	// spec.jobTemplate.spec.template.spec.containers[0].command[2].
	Field string
	// Line is the command's line within that string, from 0.
	Line int
	// Command is the command as written (continuations joined).
	Command string
}

// syncTools are the commands that copy one bucket into another: the words
// that start them and the URL scheme of their buckets.
var syncTools = []struct {
	words  []string
	scheme string
}{
	{[]string{"aws", "s3", "sync"}, "s3://"},
	{[]string{"gsutil", "rsync"}, "gs://"},
	{[]string{"gcloud", "storage", "rsync"}, "gs://"},
}

// SyncHint is the form of the command CronJobSyncs recognises, for messages.
const SyncHint = "`aws s3 sync s3://SOURCE s3://DESTINATION` (or gsutil/gcloud storage rsync gs://SOURCE gs://DESTINATION)"

// JobContainersField is the path of a CronJob's containers.
const JobContainersField = "spec.jobTemplate.spec.template.spec.containers"

// CronJobSyncs returns the bucket-to-bucket copies cj's containers run, in
// order. A copy whose source or destination is not a bucket (a local
// directory) is not one. A bucket written as a variable is resolved from the
// container's env when it is set there literally; a bucket that is still no
// valid name, or a copy into the bucket it reads, is an ErrInvalid error
// naming the CronJob and field.
func CronJobSyncs(cj *batchv1.CronJob) ([]BucketSync, error) {
	var out []BucketSync
	for i, c := range cj.Spec.JobTemplate.Spec.Template.Spec.Containers {
		field, script := containerScript(c, fmt.Sprintf("%s[%d]", JobContainersField, i))
		for _, cmd := range commands(script) {
			src, dst, ok := syncBuckets(cmd.text, envOf(c))
			if !ok {
				continue
			}
			s := BucketSync{Buckets: storage.Buckets{Model: src, Backup: dst}, Field: field, Line: cmd.line, Command: cmd.text}
			if err := s.Buckets.Validate(); err != nil {
				return nil, fmt.Errorf("CronJob %s: %s: %q: %w", name(cj.Namespace, cj.Name), field, cmd.text, err)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func name(namespace, n string) string {
	if namespace == "" {
		return n
	}
	return namespace + "/" + n
}

// containerScript returns what a container runs and the field holding it:
// the script of `sh -c SCRIPT`, else its command and args joined.
func containerScript(c corev1.Container, base string) (field, script string) {
	argv := append(append([]string(nil), c.Command...), c.Args...)
	for i := 0; i+2 < len(argv); i++ {
		sh := argv[i][strings.LastIndex(argv[i], "/")+1:]
		if (sh == "sh" || sh == "bash" || sh == "ash" || sh == "dash") && strings.HasPrefix(argv[i+1], "-") && strings.Contains(argv[i+1], "c") {
			field, j := "command", i+2
			if j >= len(c.Command) {
				field, j = "args", j-len(c.Command)
			}
			return fmt.Sprintf("%s.%s[%d]", base, field, j), argv[i+2]
		}
	}
	if len(c.Command) == 0 {
		return base + ".args", strings.Join(argv, " ")
	}
	return base + ".command", strings.Join(argv, " ")
}

// command is one command of a script and the line it starts on, from 0.
type command struct {
	line int
	text string
}

// commands splits a script into its commands: lines (with their
// continuations) split at ;, &&, || and |.
func commands(script string) []command {
	var out []command
	lines := strings.Split(script, "\n")
	for i := 0; i < len(lines); i++ {
		start, l := i, lines[i]
		for strings.HasSuffix(strings.TrimRight(l, " \t"), `\`) && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(strings.TrimRight(l, " \t"), `\`) + " " + lines[i]
		}
		for _, sep := range []string{"&&", "||", ";", "|"} {
			l = strings.ReplaceAll(l, sep, "\n")
		}
		for _, c := range strings.Split(l, "\n") {
			if c = strings.Join(strings.Fields(c), " "); c != "" {
				out = append(out, command{line: start, text: c})
			}
		}
	}
	return out
}

// syncBuckets returns the source and destination bucket of a sync command
// (ok false when cmd is none).
func syncBuckets(cmd string, env map[string]string) (src, dst string, ok bool) {
	words := strings.Fields(cmd)
	for _, tool := range syncTools {
		at := afterWords(words, tool.words)
		if at < 0 {
			continue
		}
		var buckets []string
		for _, w := range words[at:] {
			w = strings.Trim(w, `"'`)
			if strings.HasPrefix(w, tool.scheme) {
				b, _, _ := strings.Cut(strings.TrimPrefix(expand(w, env), tool.scheme), "/")
				buckets = append(buckets, b)
			}
		}
		if len(buckets) == 2 {
			return buckets[0], buckets[1], true
		}
	}
	return "", "", false
}

// afterWords returns the index after seq in words, whose words may be
// separated by options (gsutil -m rsync), or -1.
func afterWords(words, seq []string) int {
	for i := range words {
		if words[i] != seq[0] {
			continue
		}
		j, k := i+1, 1
		for ; j < len(words) && k < len(seq); j++ {
			switch {
			case words[j] == seq[k]:
				k++
			case !strings.HasPrefix(words[j], "-"):
				j = len(words) // another word: not this tool
			}
		}
		if k == len(seq) {
			return j
		}
	}
	return -1
}

// expand replaces $NAME and ${NAME} set in env; others stay as written.
func expand(s string, env map[string]string) string {
	return os.Expand(s, func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return "${" + k + "}"
	})
}

// envOf returns a container's literal env values.
func envOf(c corev1.Container) map[string]string {
	out := map[string]string{}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			out[e.Name] = e.Value
		}
	}
	return out
}

// syncsBuckets returns the one pair of buckets syncs copy, or an error
// listing them when they copy different pairs; zero without syncs.
func syncsBuckets(what string, syncs []BucketSync) (storage.Buckets, error) {
	var b storage.Buckets
	var all []string
	for _, s := range syncs {
		if b.IsZero() {
			b = s.Buckets
		}
		if s.Buckets != b {
			for _, s := range syncs {
				all = append(all, s.Buckets.String()+" ("+s.Field+")")
			}
			return storage.Buckets{}, fmt.Errorf("%s copies more than one pair of buckets (%s): %w", what, strings.Join(all, ", "), framework.ErrInvalid)
		}
	}
	return b, nil
}
