package bundle

// The files of a bundle.
const (
	EvidenceFile    = "evidence.json"
	HTMLFile        = "report.html"
	SummaryFile     = "summary.md"
	JUnitFile       = "junit.xml"
	GinkgoJSONFile  = "ginkgo-report.json"
	PublicKeyFile   = "signing-key.pub"
	AttestationFile = "attestation.intoto.jsonl"
)

// Statement constants.
const (
	// PayloadType is the DSSE payload type of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
	// PredicateType is the in-toto test-result predicate.
	PredicateType = "https://in-toto.io/attestation/test-result/v0.1"
)

// Test-result predicate results.
const (
	resultPassed = "PASSED"
	resultFailed = "FAILED"
)
