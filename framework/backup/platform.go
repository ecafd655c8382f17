package backup

import (
	"fmt"
	"strings"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/storage"
	"gameday.io/gameday/framework/topology"
)

// PlatformBuckets returns the platform's model and backup buckets and where
// their names were read:
//
//   - from its manifests: the source and destination of the copy command a
//     CronJob runs (SyncHint); when CronJobs copy several pairs, the one the
//     topology names;
//   - else from the topology's storage section (topo may be nil);
//   - else an ErrInvalid error naming the CronJobs and fields that were read.
//
// A topology naming other buckets than the manifests copy is an error too:
// one of them is wrong.
func PlatformBuckets(p *fixtures.Platform, topo *topology.Topology) (storage.Buckets, string, error) {
	var fromTopo storage.Buckets
	topoFile := "the topology"
	if topo != nil {
		fromTopo = storage.Buckets{Model: topo.Storage.ModelBucket, Backup: topo.Storage.BackupBucket}
		if topo.File != "" {
			topoFile = "topology " + topo.File
		}
	}
	topoFrom := topoFile + " storage.modelBucket, storage.backupBucket"
	type found struct {
		b    storage.Buckets
		from string
	}
	var pairs []found
	var read []string
	for _, cj := range p.CronJobs {
		obj := p.ObjectOf(cj)
		syncs, err := CronJobSyncs(cj)
		if err != nil {
			if obj != nil {
				return storage.Buckets{}, "", fmt.Errorf("%s: %w", obj.Source, err)
			}
			return storage.Buckets{}, "", err
		}
		read = append(read, "CronJob "+name(cj.Namespace, cj.Name))
		for _, s := range syncs {
			from := "CronJob " + name(cj.Namespace, cj.Name) + " " + s.Field
			if obj != nil {
				from = obj.TextAt(s.Field, s.Line).String() + " " + from
			}
			pairs = append(pairs, found{s.Buckets, from})
		}
	}
	distinct := map[storage.Buckets]string{}
	var list []string
	for _, f := range pairs {
		if _, ok := distinct[f.b]; !ok {
			distinct[f.b] = f.from
			list = append(list, f.b.String()+" ("+f.from+")")
		}
	}
	switch {
	case len(distinct) == 1 && (fromTopo.IsZero() || distinct[fromTopo] != ""):
		return pairs[0].b, pairs[0].from, nil
	case len(distinct) > 1 && distinct[fromTopo] != "":
		return fromTopo, distinct[fromTopo], nil
	case len(distinct) > 1 && fromTopo.IsZero():
		return storage.Buckets{}, "", fmt.Errorf("the platform's CronJobs copy several pairs of buckets (%s): name the model bucket the inference servers load from, and its backup, in %s: %w",
			strings.Join(list, "; "), topoFrom, framework.ErrInvalid)
	case len(distinct) > 0:
		return storage.Buckets{}, "", fmt.Errorf("%s names buckets %s, but the platform's CronJobs copy %s: make them agree: %w",
			topoFrom, fromTopo, strings.Join(list, "; "), framework.ErrInvalid)
	case !fromTopo.IsZero():
		if err := fromTopo.Validate(); err != nil {
			return storage.Buckets{}, "", fmt.Errorf("%s: %w", topoFrom, err)
		}
		return fromTopo, topoFrom, nil
	}
	what := "the platform has no CronJob that runs"
	if len(read) > 0 {
		what = "no CronJob of the platform (" + strings.Join(read, ", ") + ") runs"
	}
	return storage.Buckets{}, "", fmt.Errorf("the platform's model and backup buckets are not known: %s %s in %s[].command or args, and %s sets no storage.modelBucket and storage.backupBucket: %w",
		what, SyncHint, JobContainersField, topoFile, framework.ErrInvalid)
}
