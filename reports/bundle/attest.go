package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	testresult "github.com/in-toto/attestation/go/predicates/test_result/v0"
	intoto "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"

	"gameday.io/gameday/framework/evidence"
)

// predicate builds the test-result predicate of a run: its result, the
// fixtures and topology it ran with, and every objective as a passed or
// failed test ("drill/objective"; a drill that failed otherwise is listed
// by its name).
func predicate(ev *evidence.Evidence, url string) *testresult.TestResult {
	tr := &testresult.TestResult{Result: resultPassed, Url: url}
	if ev.Verdict != evidence.VerdictPass {
		tr.Result = resultFailed
	}
	if ev.Topology.SHA256 != "" {
		tr.Configuration = append(tr.Configuration, &intoto.ResourceDescriptor{
			Name: ev.Topology.File, Digest: map[string]string{"sha256": ev.Topology.SHA256},
		})
	}
	for _, f := range ev.Fixtures {
		tr.Configuration = append(tr.Configuration, &intoto.ResourceDescriptor{
			Name: f.Path, Digest: map[string]string{"sha256": f.SHA256},
		})
	}
	for _, d := range ev.Drills {
		failedObjective := false
		for _, o := range d.Objectives {
			name := d.Name + "/" + o.Name
			switch {
			case o.Evaluate():
				tr.PassedTests = append(tr.PassedTests, name)
			case o.Achieved == nil && d.Aborted != nil:
				// Neither passed nor failed: the drill stopped before it
				// could measure it (the run's result is FAILED).
				tr.WarnedTests = append(tr.WarnedTests, name)
			default:
				tr.FailedTests = append(tr.FailedTests, name)
				failedObjective = true
			}
		}
		if d.Verdict != evidence.VerdictPass && !failedObjective {
			tr.FailedTests = append(tr.FailedTests, d.Name)
		}
	}
	return tr
}

// statement builds the in-toto Statement v1 over subjects and returns its
// JSON (compact).
func statement(subjects []evidence.FileDigest, pred *testresult.TestResult) ([]byte, error) {
	predJSON, err := protojson.Marshal(pred)
	if err != nil {
		return nil, fmt.Errorf("statement predicate: %w", err)
	}
	ps := &structpb.Struct{}
	if err := protojson.Unmarshal(predJSON, ps); err != nil {
		return nil, fmt.Errorf("statement predicate: %w", err)
	}
	st := &intoto.Statement{Type: intoto.StatementTypeUri, PredicateType: PredicateType, Predicate: ps}
	for _, s := range subjects {
		st.Subject = append(st.Subject, &intoto.ResourceDescriptor{Name: s.Path, Digest: map[string]string{"sha256": s.SHA256}})
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	raw, err := protojson.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	// protojson varies its whitespace on purpose; compact it for stable bytes.
	var out bytes.Buffer
	if err := json.Compact(&out, raw); err != nil {
		return nil, fmt.Errorf("statement: %w", err)
	}
	return out.Bytes(), nil
}

// parseStatement decodes and validates a statement payload.
func parseStatement(payload []byte) (*intoto.Statement, error) {
	st := &intoto.Statement{}
	if err := protojson.Unmarshal(payload, st); err != nil {
		return nil, fmt.Errorf("not an in-toto statement: %w", err)
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}
	if st.GetPredicateType() != PredicateType {
		return nil, fmt.Errorf("predicate type %q, want %q", st.GetPredicateType(), PredicateType)
	}
	return st, nil
}

// sign wraps payload in a DSSE envelope signed by k, as one JSON line.
func sign(ctx context.Context, k *Key, payload []byte) ([]byte, error) {
	signer, err := dsse.NewEnvelopeSigner(k.sv)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	env, err := signer.SignPayload(ctx, PayloadType, payload)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	line, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return append(line, '\n'), nil
}

// parseEnvelope decodes an attestation file strictly: exactly one envelope
// line in the form sign writes, no unknown field.
func parseEnvelope(data []byte) (*dsse.Envelope, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var env dsse.Envelope
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("not a DSSE envelope: %w", err)
	}
	canonical, err := json.Marshal(&env)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(append(canonical, '\n'), data) {
		return nil, errors.New("not in the form gameday writes (one compact JSON line): modified")
	}
	if env.PayloadType != PayloadType {
		return nil, fmt.Errorf("payload type %q, want %q", env.PayloadType, PayloadType)
	}
	return &env, nil
}
