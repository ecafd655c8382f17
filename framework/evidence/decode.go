package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"sigs.k8s.io/yaml"

	"gameday.io/gameday/framework"
)

// MaxSize bounds what Decode and ReadGameDay read (64 MiB).
const MaxSize = 64 << 20

// ReadFile reads and validates an evidence.json.
func ReadFile(path string) (*Evidence, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read evidence %s: %w", path, framework.ErrNotFound)
		}
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	defer f.Close()
	ev, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ev, nil
}

// Decode parses and validates evidence JSON of this SchemaVersion. Unknown
// fields are errors: evidence that does not match the schema is not evidence.
func Decode(r io.Reader) (*Evidence, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("evidence is larger than %d bytes: %w", MaxSize, framework.ErrInvalid)
	}
	var head struct {
		SchemaVersion string `json:"schemaVersion"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("evidence is not JSON: %v: %w", err, framework.ErrInvalid)
	}
	if head.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("evidence schemaVersion %q is not supported (want %q): %w", head.SchemaVersion, SchemaVersion, framework.ErrInvalid)
	}
	var ev Evidence
	if err := strictJSON(data, &ev); err != nil {
		return nil, fmt.Errorf("evidence: %v: %w", err, framework.ErrInvalid)
	}
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	return &ev, nil
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON document")
	}
	return nil
}

// ReadGameDay reads a game-day record (YAML or JSON, the GameDay fields) and
// validates it. A sign-off in the file is refused: only `gameday report
// sign` records one.
func ReadGameDay(path string) (*GameDay, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read game-day file %s: %w", path, framework.ErrNotFound)
		}
		return nil, fmt.Errorf("read game-day file: %w", err)
	}
	g, err := ParseGameDay(data)
	if err != nil {
		return nil, fmt.Errorf("game-day file %s: %w", path, err)
	}
	return g, nil
}

// ParseGameDay parses and validates a game-day record (YAML or JSON).
func ParseGameDay(data []byte) (*GameDay, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("larger than %d bytes: %w", MaxSize, framework.ErrInvalid)
	}
	var g GameDay
	if err := yaml.UnmarshalStrict(data, &g); err != nil {
		return nil, fmt.Errorf("%v: %w", err, framework.ErrInvalid)
	}
	if g.SignOff != nil {
		return nil, fmt.Errorf("signOff: is recorded by `gameday report sign --approver NAME`, not written in the file: %w", framework.ErrInvalid)
	}
	v := &validator{}
	v.gameDay("gameDay", &g)
	if v.err != nil {
		return nil, v.err
	}
	return &g, nil
}
