package topology

import (
	"errors"
	"fmt"
	"os"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/yamldoc"
)

// FieldError is one problem in a topology file, located by line and field.
type FieldError = yamldoc.FieldError

// Load reads and validates a topology file.
func Load(path string) (*Topology, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("topology file %s: %w", path, framework.ErrNotFound)
		}
		return nil, fmt.Errorf("read topology: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a topology document. file only labels errors.
// All validation errors are returned together (errors.Join of *FieldError).
func Parse(file string, data []byte) (*Topology, error) {
	var t Topology
	c, err := yamldoc.Decode(file, data, &t)
	if err != nil {
		return nil, err
	}
	t.File = file
	v := &validator{Checker: c}
	v.topology(&t)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &t, nil
}
