package lint

import (
	"fmt"
	"slices"
	"testing"

	"gameday.io/gameday/fixtures"
)

func TestS3Copies(t *testing.T) {
	cases := map[string]struct {
		load func() (*fixtures.Platform, error)
		want []string
	}{
		"reference": {fixtures.Reference, []string{
			"model-registry-backup sync s3://model-registry -> s3://model-registry-backup (recursive) at fixtures/reference/backup.yaml:48",
			"model-registry-backup cp s3://model-registry-backup/manifest.json -> s3://model-registry-backup/manifest-$(date +%Y%m%d).json at fixtures/reference/backup.yaml:50",
		}},
		"second": {fixtures.Second, []string{
			"model-artifact-sync sync s3://recsys-models -> s3://recsys-models-dr (recursive) at fixtures/second/backup.yaml:30",
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := c.load()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, cp := range S3Copies(p) {
				s := fmt.Sprintf("%s %s %s -> %s", cp.CronJob, cp.Verb, cp.Source, cp.Destination)
				if cp.Recursive {
					s += " (recursive)"
				}
				got = append(got, s+" at "+cp.Position.String())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("copies\n got %q\nwant %q", got, c.want)
			}
		})
	}
}
