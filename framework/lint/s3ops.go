package lint

import (
	"slices"
	"strings"
	"time"

	"gameday.io/gameday/fixtures"
)

// s3op is one `aws s3 cp|mv|sync SRC DST` of a script.
type s3op struct {
	verb, src, dst string
	recursive      bool
	pos            fixtures.Position
}

// awsValued are aws s3 flags that take a value.
var awsValued = []string{"--storage-class", "--exclude", "--include", "--acl", "--sse", "--sse-kms-key-id", "--region", "--profile",
	"--endpoint-url", "--content-type", "--metadata-directive", "--expected-size", "--grants", "--cache-control", "--sse-c", "--sse-c-key", "--page-size"}

// jobScript is one container script of a backup job, split into commands,
// with its aws s3 copies.
type jobScript struct {
	job    backupJob
	script script
	cmds   []command
	ops    []s3op
}

// jobScripts reads the scripts of every backup job. A command that is not a
// shell script is one command located at its field.
func (in *Input) jobScripts() []jobScript {
	var out []jobScript
	for _, j := range in.backupJobs() {
		for _, s := range jobScripts(j.cj) {
			js := jobScript{job: j, script: s, cmds: commands(s.text)}
			if !s.shell {
				for i := range js.cmds {
					js.cmds[i].line = -1 // TextAt then points at the field
				}
			}
			for _, c := range js.cmds {
				w := c.words
				if len(w) < 3 || w[0] != "aws" || w[1] != "s3" || (w[2] != "cp" && w[2] != "mv" && w[2] != "sync") {
					continue
				}
				args := positional(w[3:], awsValued...)
				if len(args) < 2 {
					continue
				}
				js.ops = append(js.ops, s3op{verb: w[2], src: args[0], dst: args[1], recursive: w[2] == "sync" || slices.Contains(w, "--recursive"),
					pos: j.obj.TextAt(s.path, c.line)})
			}
			out = append(out, js)
		}
	}
	return out
}

// dateUnits maps strftime conversions to how often their value changes.
var dateUnits = map[byte]time.Duration{
	'S': time.Second, 's': time.Second, 'T': time.Second, 'N': time.Nanosecond,
	'M': time.Minute, 'R': time.Minute,
	'H': time.Hour, 'I': time.Hour, 'k': time.Hour, 'l': time.Hour,
	'd': 24 * time.Hour, 'e': 24 * time.Hour, 'j': 24 * time.Hour, 'F': 24 * time.Hour, 'D': 24 * time.Hour, 'a': 24 * time.Hour,
	'A': 24 * time.Hour, 'u': 24 * time.Hour, 'w': 24 * time.Hour,
	'U': 7 * 24 * time.Hour, 'V': 7 * 24 * time.Hour, 'W': 7 * 24 * time.Hour,
	'm': 28 * 24 * time.Hour, 'b': 28 * 24 * time.Hour, 'B': 28 * 24 * time.Hour, 'h': 28 * 24 * time.Hour,
	'Y': 365 * 24 * time.Hour, 'y': 365 * 24 * time.Hour, 'G': 365 * 24 * time.Hour, 'C': 365 * 24 * time.Hour,
}

// dateResolution returns how often a name built with $(date +FORMAT) changes,
// and false when the name holds no date.
func dateResolution(name string) (time.Duration, bool) {
	i := strings.Index(name, "$(date")
	if i < 0 {
		return 0, false
	}
	rest := name[i:]
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return 0, false
	}
	plus := strings.IndexByte(rest[:end], '+')
	if plus < 0 {
		return time.Second, true // date's default output has seconds
	}
	format := rest[plus+1 : end]
	var res time.Duration
	for j := 0; j+1 < len(format); j++ {
		if format[j] != '%' {
			continue
		}
		k := j + 1
		for k < len(format) && strings.IndexByte("-_0^#", format[k]) >= 0 {
			k++
		}
		if k < len(format) {
			if u, ok := dateUnits[format[k]]; ok && (res == 0 || u < res) {
				res = u
			}
		}
		j = k
	}
	return res, res > 0
}
