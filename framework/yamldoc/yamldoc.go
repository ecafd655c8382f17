// Package yamldoc decodes one-document YAML files strictly and reports
// errors with the file, the line and the field path, for gameday's own file
// formats (topologies, scenarios).
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"gameday.io/gameday/framework"
)

// FieldError is one problem in a file, located by line and field path.
type FieldError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	loc := e.File
	if loc == "" {
		loc = "<input>"
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

// Decode decodes exactly one YAML mapping document into v, refusing unknown
// fields, and returns the line of every field path ("a.b[2].c") for
// validation messages. file only labels errors.
func Decode(file string, data []byte, v any) (*Checker, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &FieldError{File: file, Msg: "empty document"}
	}
	if root.Content[0].Kind != yaml.MappingNode {
		return nil, &FieldError{File: file, Line: root.Content[0].Line, Msg: "want a mapping"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, &FieldError{File: file, Line: extra.Line, Msg: "the file must hold exactly one document"}
	}
	return &Checker{file: file, lines: indexLines(root.Content[0])}, nil
}

// NewChecker returns a Checker for a value that did not come from a file
// (errors carry label and the field path, without lines).
func NewChecker(label string) *Checker { return &Checker{file: label, lines: map[string]int{}} }

// Checker collects validation errors located by field path.
type Checker struct {
	file  string
	lines map[string]int
	errs  []error
}

// Fail records an error at a field path; the line is the field's, or its
// nearest present parent's when the field is missing.
func (c *Checker) Fail(path, format string, args ...any) {
	line, p := 0, path
	for {
		if l, ok := c.lines[p]; ok {
			line = l
			break
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			line = c.lines[""]
			break
		}
		p = p[:i]
	}
	c.errs = append(c.errs, &FieldError{File: c.file, Line: line, Field: path, Msg: fmt.Sprintf(format, args...)})
}

// Err returns every recorded error joined, or nil.
func (c *Checker) Err() error { return errors.Join(c.errs...) }

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
