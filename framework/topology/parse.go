package topology

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"gameday.io/gameday/framework"
)

// FieldError is one problem in a topology file, located by line and field path.
type FieldError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	loc := e.File
	if loc == "" {
		loc = "<topology>"
	}
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", loc, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", loc, e.Field, e.Msg)
}

// Is makes every FieldError match framework.ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == framework.ErrInvalid }

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
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &FieldError{File: file, Msg: "empty document"}
	}
	if root.Content[0].Kind != yaml.MappingNode {
		return nil, &FieldError{File: file, Line: root.Content[0].Line, Msg: "want a mapping with apiVersion, kind, regions"}
	}
	var t Topology
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, &FieldError{File: file, Line: extra.Line, Msg: "a topology file holds exactly one document"}
	}
	t.File = file
	idx := indexLines(root.Content[0])
	v := &validator{file: file, lines: idx}
	v.topology(&t)
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	return &t, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// yamlError turns a yaml.v3 error into FieldErrors with the file and line.
func yamlError(file string, err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out []error
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		fe := &FieldError{File: file, Msg: m}
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			fe.Line, _ = strconv.Atoi(g[1])
			fe.Msg = g[2]
		}
		out = append(out, fe)
	}
	return errors.Join(out...)
}

// indexLines maps field paths such as "regions[0].zones[1].nodes" to lines.
func indexLines(n *yaml.Node) map[string]int {
	idx := map[string]int{"": n.Line}
	var walk func(path string, n *yaml.Node)
	walk = func(path string, n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				idx[p] = n.Content[i].Line
				walk(p, n.Content[i+1])
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				idx[p] = c.Line
				walk(p, c)
			}
		}
	}
	walk("", n)
	return idx
}
