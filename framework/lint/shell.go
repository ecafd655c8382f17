package lint

import (
	"strings"
)

// command is one simple shell command of a script.
type command struct {
	line  int      // 0-based line of the script where it starts
	words []string // with quotes removed; $(...) kept verbatim inside words
	// redirects are the targets of > and >> (files the command writes).
	redirects []string
	// sep is what ends the command: "\n", ";", "&&", "||", "|", "&" or "" at the end.
	sep string
}

// commands splits a POSIX-shell script into simple commands, enough to read
// what a backup job or a runbook runs: backslash-newline joins lines, # starts
// a comment, newlines ; && || | separate commands, quotes group words and
// $(...) stays inside its word. It does not expand anything.
func commands(script string) []command {
	var (
		out   []command
		cur   command
		word  strings.Builder
		inW   bool
		line  int
		quote byte
		depth int // nesting of $( )
	)
	endWord := func() {
		if inW {
			cur.words = append(cur.words, word.String())
			word.Reset()
			inW = false
		}
	}
	endCmd := func() {
		endWord()
		cur.words, cur.redirects = splitRedirects(cur.words)
		if len(cur.words) > 0 {
			out = append(out, cur)
		}
		cur = command{line: line}
	}
	for i := 0; i < len(script); i++ {
		c := script[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				word.WriteByte(c)
			}
			if c == '\n' {
				line++
			}
		case depth > 0:
			word.WriteByte(c)
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			}
			if c == '\n' {
				line++
			}
		case c == '\\' && i+1 < len(script) && script[i+1] == '\n':
			i++
			line++
			endWord()
		case c == '\'' || c == '"':
			quote, inW = c, true
		case c == '$' && i+1 < len(script) && script[i+1] == '(':
			word.WriteString("$(")
			i++
			depth, inW = 1, true
		case c == '#' && !inW:
			for i+1 < len(script) && script[i+1] != '\n' {
				i++
			}
		case c == '\n':
			cur.sep = "\n"
			endCmd()
			line++
			cur.line = line
		case c == ';' || c == '|' || c == '&':
			cur.sep = string(c)
			if i+1 < len(script) && script[i+1] == c && c != ';' {
				cur.sep += string(c)
				i++
			}
			endCmd()
		case c == ' ' || c == '\t' || c == '\r':
			endWord()
			if len(cur.words) == 0 && !inW {
				cur.line = line
			}
		default:
			if len(cur.words) == 0 && !inW {
				cur.line = line
			}
			word.WriteByte(c)
			inW = true
		}
	}
	endCmd()
	return out
}

// splitRedirects separates `> file` and `>> file` from the words.
func splitRedirects(words []string) (plain, targets []string) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == ">" || w == ">>":
			if i+1 < len(words) {
				targets = append(targets, words[i+1])
				i++
			}
		case strings.HasPrefix(w, ">>"):
			targets = append(targets, w[2:])
		case strings.HasPrefix(w, ">"):
			targets = append(targets, w[1:])
		default:
			plain = append(plain, w)
		}
	}
	return plain, targets
}

// flag returns the value of the first of names given as --name=v or as
// --name v.
func flag(words []string, names ...string) (string, bool) {
	for i, w := range words {
		for _, n := range names {
			if strings.HasPrefix(w, n+"=") {
				return w[len(n)+1:], true
			}
			if w == n && i+1 < len(words) {
				return words[i+1], true
			}
		}
	}
	return "", false
}

// positional returns the words that are neither flags nor flag values of
// the valued flags listed.
func positional(words []string, valued ...string) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if strings.HasPrefix(w, "-") {
			for _, v := range valued {
				if w == v {
					i++
				}
			}
			continue
		}
		out = append(out, w)
	}
	return out
}

// fencedCode returns the script inside ``` fences of a Markdown text, with
// the other lines blanked so line numbers stay; a text without fences is
// returned as is.
func fencedCode(md string) string {
	lines := strings.Split(md, "\n")
	in, any := false, false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			in, any = !in, true
			lines[i] = ""
			continue
		}
		if !in {
			lines[i] = ""
		}
	}
	if !any {
		return md
	}
	return strings.Join(lines, "\n")
}
