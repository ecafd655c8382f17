// Package bundle writes a run's evidence directory and verifies one.
//
// A bundle is a flat directory:
//
//	evidence.json            the evidence (reports.WriteJSON)
//	report.html              self-contained report (reports.WriteHTML)
//	summary.md               short summary (reports.WriteMarkdown)
//	junit.xml                Ginkgo's JUnit report, enriched (optional)
//	ginkgo-report.json       Ginkgo's JSON report (optional)
//	signing-key.pub          the ed25519 public key that signed the bundle
//	attestation.intoto.jsonl a DSSE envelope (one JSON line) holding an
//	                         in-toto Statement v1 whose subjects are every
//	                         other file with its SHA-256, predicate type
//	                         https://in-toto.io/attestation/test-result/v0.1
//
// Write renders and signs a bundle; SignOff records an approver's sign-off
// and re-signs; Render re-renders the HTML and Markdown from evidence.json
// (after a game-day record was added) and re-signs. Each of those refuses to
// touch a bundle that does not verify. Verify checks the signature, every
// subject's digest and that nothing else is in the directory, and names the
// file behind each problem.
//
// Keys are ed25519, PEM-encoded (PKCS#8 private, PKIX public); signing and
// verifying go through github.com/secure-systems-lab/go-securesystemslib's
// dsse and signerverifier packages, the statement through
// github.com/in-toto/attestation's Go bindings.
package bundle
