package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats WriteReport understands.
const (
	FormatText  = "text"
	FormatJSON  = "json"
	FormatSARIF = "sarif"
)

// Formats lists the output formats.
var Formats = []string{FormatText, FormatJSON, FormatSARIF}

// WriteReport renders rep in one of Formats.
func WriteReport(w io.Writer, rep *Report, format string) error {
	switch format {
	case FormatText:
		return WriteText(w, rep)
	case FormatJSON:
		return WriteJSON(w, rep)
	case FormatSARIF:
		return WriteSARIF(w, rep)
	}
	return fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// WriteText renders a report for people: one finding per line
// (file:line: severity rule: message), its fix indented below, and a summary.
func WriteText(w io.Writer, rep *Report) error {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "%s\n", f)
		if f.Fix != "" {
			fmt.Fprintf(&b, "    fix: %s\n", f.Fix)
		}
	}
	fmt.Fprintf(&b, "%s, %s, %d info (RTO %s, RPO %s, topology %s)\n",
		plural(rep.Count(SeverityError), "error"), plural(rep.Count(SeverityWarning), "warning"), rep.Count(SeverityInfo),
		human(rep.RTO), human(rep.RPO), rep.Topology)
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonReport is the JSON form of a Report.
type jsonReport struct {
	RTO      string         `json:"rto"`
	RPO      string         `json:"rpo"`
	Topology string         `json:"topology"`
	Summary  map[string]int `json:"summary"`
	Findings []Finding      `json:"findings"`
}

// WriteJSON renders a report for tools: objectives, a count per severity and
// the findings (rule, severity, message, position {file, line}, object, fix).
func WriteJSON(w io.Writer, rep *Report) error {
	out := jsonReport{RTO: human(rep.RTO), RPO: human(rep.RPO), Topology: rep.Topology, Findings: rep.Findings,
		Summary: map[string]int{}}
	for _, s := range []Severity{SeverityError, SeverityWarning, SeverityInfo} {
		out.Summary[string(s)] = rep.Count(s)
	}
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
