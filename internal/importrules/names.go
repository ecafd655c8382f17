package importrules

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// NameHit is a line of code holding a name that code must not know.
type NameHit struct {
	// File is relative to the walked root, Line counts from 1.
	File string
	Line int
	Name string
	Text string
}

func (h NameHit) String() string {
	return fmt.Sprintf("%s:%d: %q in %s", h.File, h.Line, h.Name, strings.TrimSpace(h.Text))
}

// FindNames walks dirs (relative to root) and returns every line of a Go
// source file that holds one of names, in file and line order. Tests
// (*_test.go) and files under a fixtures or testdata directory are not
// read: they may quote a platform's manifests. A dir that does not exist is
// an error.
func FindNames(root string, dirs, names []string) ([]NameHit, error) {
	var hits []NameHit
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if n := d.Name(); n == "fixtures" || n == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			found, err := namesIn(path, filepath.ToSlash(rel), names)
			hits = append(hits, found...)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("find names under %s: %w", dir, err)
		}
	}
	slices.SortStableFunc(hits, func(a, b NameHit) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return hits, nil
}

func namesIn(path, rel string, names []string) ([]NameHit, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hits []NameHit
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	for line := 1; sc.Scan(); line++ {
		for _, n := range names {
			if strings.Contains(sc.Text(), n) {
				hits = append(hits, NameHit{File: rel, Line: line, Name: n, Text: sc.Text()})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return hits, fmt.Errorf("%s: %w", rel, err)
	}
	return hits, nil
}
