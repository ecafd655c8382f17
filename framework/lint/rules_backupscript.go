package lint

import (
	"fmt"
	"strings"
)

func backupScriptRules() []Rule {
	return []Rule{
		ruleFunc{RuleMeta{ID: "backup-manifest-source", Severity: SeverityWarning,
			Summary: "a backup job copies an object that nothing in the manifests writes",
			Help: "Reads the `aws s3 cp|mv|sync` commands of backup CronJob scripts in order. A single object a command copies must have been written " +
				"before: by an earlier cp or a redirect (`> file`), or by a sync from a source where that object is itself written. An object only the " +
				"outside world could have written is reported: when it is missing the copy fails."},
			checkManifestSource},
		ruleFunc{RuleMeta{ID: "backup-manifest-overwrite", Severity: SeverityWarning,
			Summary: "a dated backup name changes less often than the job runs",
			Help: "A destination named with $(date +FORMAT) is overwritten by every run until the finest unit of FORMAT changes: with %Y%m%d and a job " +
				"every 6h, four runs write the same name and only the day's last one survives, so earlier points cannot be restored."},
			checkManifestOverwrite},
		ruleFunc{RuleMeta{ID: "backup-script-errexit", Severity: SeverityWarning,
			Summary: "a backup script ignores the failure of all but its last command",
			Help: "sh -c runs every line and exits with the last command's status: without `set -e` (or && between the steps) a failed sync followed by a " +
				"successful command leaves the Job succeeded and the failed backup unnoticed."},
			checkErrexit},
	}
}

func checkManifestSource(in *Input) []Finding {
	var out []Finding
	for _, js := range in.jobScripts() {
		written := map[string]bool{}
		for _, c := range js.cmds {
			for _, r := range c.redirects {
				written[r] = true
			}
		}
		var done []s3op
		for _, op := range js.ops {
			if !op.recursive && op.src != "-" && !producedBy(op.src, done, written, 0) {
				out = append(out, Finding{Position: op.pos, Object: js.job.obj.Ref(),
					Message: fmt.Sprintf("`aws s3 %s` copies %s, which nothing in these manifests writes%s; when it is missing the copy fails, and so does the job",
						op.verb, op.src, syncNote(op.src, done)),
					Fix: "have the job write what it copies (e.g. list the synced objects into a manifest file with `aws s3api list-objects-v2 ... > manifest.json`, then copy that file)"})
			}
			done = append(done, op)
		}
	}
	return out
}

// producedBy reports whether obj was written by one of the earlier ops or a
// redirect, following syncs back to their sources.
func producedBy(obj string, ops []s3op, files map[string]bool, depth int) bool {
	if files[obj] || depth > 8 {
		return files[obj]
	}
	for i, op := range ops {
		switch {
		case !op.recursive && op.dst == obj:
			return true
		case !op.recursive && strings.HasSuffix(op.dst, "/") && op.dst+base(op.src) == obj:
			return true
		case op.recursive && strings.HasPrefix(obj, strings.TrimSuffix(op.dst, "/")+"/"):
			rest := strings.TrimPrefix(obj, strings.TrimSuffix(op.dst, "/")+"/")
			if producedBy(strings.TrimSuffix(op.src, "/")+"/"+rest, ops[:i], files, depth+1) {
				return true
			}
		}
	}
	return false
}

func syncNote(obj string, ops []s3op) string {
	for _, op := range ops {
		if op.recursive && strings.HasPrefix(obj, strings.TrimSuffix(op.dst, "/")+"/") {
			rest := strings.TrimPrefix(obj, strings.TrimSuffix(op.dst, "/")+"/")
			return fmt.Sprintf(" (the %s from %s brings it only if %s/%s already exists there)", op.verb, op.src, strings.TrimSuffix(op.src, "/"), rest)
		}
	}
	return ""
}

func base(p string) string { return p[strings.LastIndex(p, "/")+1:] }

func checkManifestOverwrite(in *Input) []Finding {
	var out []Finding
	for _, js := range in.jobScripts() {
		tz := ""
		if js.job.cj.Spec.TimeZone != nil {
			tz = *js.job.cj.Spec.TimeZone
		}
		c, err := in.cadence(js.job.cj.Spec.Schedule, tz)
		if err != nil {
			continue
		}
		for _, op := range js.ops {
			res, ok := dateResolution(op.dst)
			if !ok || c.shortest >= res {
				continue
			}
			out = append(out, Finding{Position: op.pos, Object: js.job.obj.Ref(),
				Message: fmt.Sprintf("%s changes name every %s but the job runs every %s: each name is overwritten by up to %d runs and only the last survives",
					op.dst, human(res), human(c.shortest), int((res+c.shortest-1)/c.shortest)),
				Fix: "name each copy with the run's full time, e.g. $(date -u +%Y%m%dT%H%M%SZ)"})
		}
	}
	return out
}

func checkErrexit(in *Input) []Finding {
	var out []Finding
	for _, js := range in.jobScripts() {
		if !js.script.shell || len(js.cmds) < 2 || errexit(js.cmds) {
			continue
		}
		for _, c := range js.cmds[:len(js.cmds)-1] {
			if c.sep != "\n" && c.sep != ";" {
				continue
			}
			out = append(out, Finding{Position: js.job.obj.TextAt(js.script.path, c.line), Object: js.job.obj.Ref(),
				Message: fmt.Sprintf("the script goes on after `%s` fails and exits with its last command's status: a failed step can leave the Job succeeded and the backup broken unnoticed",
					strings.Join(c.words[:min(3, len(c.words))], " ")),
				Fix: "start the script with `set -eu` (and `set -o pipefail` in bash)"})
			break
		}
	}
	return out
}

// errexit reports whether a script turns on `set -e` before its second command.
func errexit(cmds []command) bool {
	for _, c := range cmds[:min(2, len(cmds))] {
		if len(c.words) >= 2 && c.words[0] == "set" {
			for _, w := range c.words[1:] {
				if (strings.HasPrefix(w, "-") && strings.Contains(w, "e")) || w == "errexit" {
					return true
				}
			}
		}
	}
	return false
}
