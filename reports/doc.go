// Package reports renders evidence (framework/evidence) for people and
// machines. Every renderer is a plain function of the data:
//
//   - WriteJSON: evidence.json, indented, one timeline point per line;
//   - WriteMarkdown: summary.md, short, for PR comments and chat;
//   - WriteHTML: report.html, self-contained (inline CSS and SVG, no
//     script, nothing fetched): per drill a timeline chart drawn with
//     gonum.org/v1/plot of the success ratio, p50/p99 latency and the traffic
//     share per region with fault and RTO windows shaded, and tables of
//     faults, load, objectives, metrics and findings; the verdict on top;
//   - EnrichJUnit and CopyGinkgoJSON: Ginkgo's junit.xml with the measured
//     objectives added as properties, and its JSON report, copied into a bundle.
//
// Package reports/bundle writes them all into a run directory, with an
// in-toto statement over the files signed as a DSSE envelope, and verifies
// such a directory.
package reports
