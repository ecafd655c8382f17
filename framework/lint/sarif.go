package lint

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"

	"gameday.io/gameday/framework"
)

// SARIFSchema is the schema URI a SARIF 2.1.0 log names.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool         `json:"tool"`
	Results    []sarifResult     `json:"results"`
	Properties map[string]string `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name    string      `json:"name"`
	Version string      `json:"version,omitempty"`
	Rules   []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	ShortDescription     sarifText    `json:"shortDescription"`
	FullDescription      sarifText    `json:"fullDescription"`
	Help                 sarifText    `json:"help"`
	DefaultConfiguration sarifDefault `json:"defaultConfiguration"`
}

type sarifDefault struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID     string            `json:"ruleId"`
	RuleIndex  int               `json:"ruleIndex"`
	Level      string            `json:"level"`
	Message    sarifText         `json:"message"`
	Locations  []sarifLocation   `json:"locations,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// level maps a severity to SARIF's result level.
func (s Severity) level() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "note"
}

// WriteSARIF renders a report as a SARIF 2.1.0 log for code scanning: one run
// whose driver lists every rule, one result per finding located by file and
// line (relative paths against %SRCROOT%), the fix in the result's properties.
func WriteSARIF(w io.Writer, rep *Report) error {
	driver := sarifDriver{Name: "gameday-lint", Version: framework.Version}
	index := map[string]int{}
	for i, r := range Rules() {
		m := r.Meta()
		index[m.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{ID: m.ID, ShortDescription: sarifText{m.Summary}, FullDescription: sarifText{m.Help},
			Help: sarifText{m.Help}, DefaultConfiguration: sarifDefault{m.Severity.level()}})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{},
		Properties: map[string]string{"rto": human(rep.RTO), "rpo": human(rep.RPO), "topology": rep.Topology}}
	for _, f := range rep.Findings {
		res := sarifResult{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: f.Severity.level(), Message: sarifText{f.Message}}
		if f.Fix != "" || f.Object != "" {
			res.Properties = map[string]string{}
			if f.Fix != "" {
				res.Properties["fix"] = f.Fix
			}
			if f.Object != "" {
				res.Properties["object"] = f.Object
			}
		}
		if f.Position.File != "" {
			loc := sarifPhysical{ArtifactLocation: artifact(f.Position.File)}
			if f.Position.Line > 0 {
				loc.Region = &sarifRegion{StartLine: f.Position.Line}
			}
			res.Locations = []sarifLocation{{PhysicalLocation: loc}}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// artifact turns a file path into a SARIF artifact location: a relative
// URI against %SRCROOT%, or a file: URI for an absolute path.
func artifact(path string) sarifArtifact {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	return sarifArtifact{URI: (&url.URL{Path: p}).String(), URIBaseID: "%SRCROOT%"}
}
