// Package reporttest writes real Ginkgo reports (junit.xml and the JSON
// report, through Ginkgo's own reporters) for the reports tests.
package reporttest

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// Start is when the sample suite ran.
var Start = time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)

// Report is a Ginkgo suite report with one spec per sample drill: the
// region failover fails. Output carries leak, so tests can check it is redacted.
func Report(leak string) types.Report {
	spec := func(text string, state types.SpecState, out string) types.SpecReport {
		s := types.SpecReport{
			ContainerHierarchyTexts:    []string{"drills"},
			LeafNodeType:               types.NodeTypeIt,
			LeafNodeText:               text,
			LeafNodeLabels:             []string{"disruptive"},
			State:                      state,
			StartTime:                  Start,
			EndTime:                    Start.Add(2 * time.Minute),
			RunTime:                    2 * time.Minute,
			CapturedGinkgoWriterOutput: out,
		}
		if state == types.SpecStateFailed {
			s.Failure = types.Failure{Message: "RTO not met: never recovered (" + leak + ")", Location: types.CodeLocation{FileName: "suites/failover/failover_test.go", LineNumber: 42}}
		}
		return s
	}
	return types.Report{
		SuitePath:        "/work/main/suites/drills",
		SuiteDescription: "Drills Suite",
		SuiteSucceeded:   false,
		StartTime:        Start,
		EndTime:          Start.Add(10 * time.Minute),
		RunTime:          10 * time.Minute,
		SpecReports: types.SpecReports{
			spec("zone outage recovers within the RTO", types.SpecStatePassed, "injected zone-outage\n"),
			spec("region-failover moves traffic to the DR region", types.SpecStateFailed, "AWS_SECRET_ACCESS_KEY="+leak+"\n"),
			spec("zone drain keeps the PDB", types.SpecStatePassed, ""),
		},
	}
}

// Write writes Report(leak) as dir/junit.xml and dir/report.json with
// Ginkgo's reporters and returns their paths.
func Write(dir, leak string) (junit, jsonReport string, err error) {
	r := Report(leak)
	junit, jsonReport = filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.json")
	if err := reporters.GenerateJUnitReport(r, junit); err != nil {
		return "", "", fmt.Errorf("junit: %w", err)
	}
	if err := reporters.GenerateJSONReport(r, jsonReport); err != nil {
		return "", "", fmt.Errorf("json report: %w", err)
	}
	return junit, jsonReport, nil
}
