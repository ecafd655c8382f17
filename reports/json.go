package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"gameday.io/gameday/framework/evidence"
)

// inlineWidth is the longest array element (compact JSON) WriteJSON keeps
// on one line: timeline points, metrics, fixture digests.
const inlineWidth = 160

// WriteJSON writes ev as evidence.json: indented two spaces, with short array
// elements (timeline points, metrics, digests) each on one line, so the file
// reads well and diffs line by line. The output is deterministic.
func WriteJSON(ev *evidence.Evidence, w io.Writer) error {
	compact, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode evidence: %w", err)
	}
	var out bytes.Buffer
	out.Grow(len(compact) * 2)
	indentJSON(&out, compact, 0, false)
	out.WriteByte('\n')
	if _, err := w.Write(out.Bytes()); err != nil {
		return fmt.Errorf("write evidence: %w", err)
	}
	return nil
}

// indentJSON pretty-prints one compact JSON value (as json.Marshal writes
// it: no insignificant whitespace). Containers that are array elements and
// short stay on one line.
func indentJSON(out *bytes.Buffer, v []byte, depth int, inArray bool) {
	if len(v) == 0 || (v[0] != '{' && v[0] != '[') {
		out.Write(v)
		return
	}
	if (inArray || scalarArray(v)) && len(v) <= inlineWidth || len(v) == 2 {
		out.Write(v)
		return
	}
	out.WriteByte(v[0])
	members := splitMembers(v[1 : len(v)-1])
	for i, m := range members {
		if i > 0 {
			out.WriteByte(',')
		}
		newline(out, depth+1)
		if v[0] == '{' {
			k := valueEnd(m, 0) // the key is a string
			out.Write(m[:k])
			out.WriteString(": ")
			indentJSON(out, m[k+1:], depth+1, false)
		} else {
			indentJSON(out, m, depth+1, true)
		}
	}
	newline(out, depth)
	out.WriteByte(v[len(v)-1])
}

func newline(out *bytes.Buffer, depth int) {
	out.WriteByte('\n')
	for range depth {
		out.WriteString("  ")
	}
}

// splitMembers splits the inside of a compact container at its top-level commas.
func splitMembers(v []byte) [][]byte {
	var parts [][]byte
	for start := 0; start < len(v); {
		end := start
		for end < len(v) && v[end] != ',' {
			end = valueEnd(v, end)
		}
		parts = append(parts, v[start:end])
		start = end + 1
	}
	return parts
}

// valueEnd returns the index just past the token at i: a whole string or
// container, one byte of anything else.
func valueEnd(v []byte, i int) int {
	switch v[i] {
	case '"':
		for j := i + 1; j < len(v); j++ {
			switch v[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(v)
	case '{', '[':
		depth := 0
		for j := i; j < len(v); j++ {
			switch v[j] {
			case '"':
				j = valueEnd(v, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(v)
	}
	return i + 1
}

// scalarArray reports whether v is an array holding no container.
func scalarArray(v []byte) bool {
	if v[0] != '[' {
		return false
	}
	for i := 1; i < len(v)-1; i = valueEnd(v, i) {
		if v[i] == '{' || v[i] == '[' {
			return false
		}
	}
	return true
}
