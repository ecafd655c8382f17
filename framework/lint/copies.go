package lint

import (
	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework/topology"
)

// S3Copy is one `aws s3 cp|mv|sync SRC DST` a backup CronJob runs: where the
// manifests say data is backed up from and to, so drills can take bucket
// names from the manifests instead of constants.
type S3Copy struct {
	// CronJob is the job's name and Namespace its namespace as written.
	CronJob, Namespace string
	// Verb is cp, mv or sync; Source and Destination are as written
	// (s3://bucket/key, possibly with shell expansions such as $(date ...)).
	Verb, Source, Destination string
	// Recursive: sync, or cp/mv with --recursive.
	Recursive bool
	// Position is the line of the command in the manifest.
	Position fixtures.Position
}

// S3Copies returns every aws s3 copy of every backup CronJob of p (named
// *backup* or running a copy or dump tool), in manifest order.
func S3Copies(p *fixtures.Platform) []S3Copy {
	in := &Input{Platform: p, Topology: &topology.Topology{}}
	var out []S3Copy
	for _, js := range in.jobScripts() {
		for _, op := range js.ops {
			out = append(out, S3Copy{CronJob: js.job.cj.Name, Namespace: js.job.cj.Namespace, Verb: op.verb,
				Source: op.src, Destination: op.dst, Recursive: op.recursive, Position: op.pos})
		}
	}
	return out
}
