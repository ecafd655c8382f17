package kind

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// record is what the provider keeps about a cluster under Config.Dir, written
// before kind creates anything so Delete can clean up after a failed or
// killed Create.
type record struct {
	Name       string       `json:"name"` // kind cluster name (gdk-...)
	Region     string       `json:"region"`
	Network    string       `json:"network"`
	Subnets    Subnets      `json:"subnets"`
	Kubeconfig string       `json:"kubeconfig"`
	Nodes      []nodeRecord `json:"nodes"`
}

// nodeRecord ties a topology node to its container and GPU count.
type nodeRecord struct {
	Topology  string `json:"topology"`
	Container string `json:"container"`
	GPUs      int    `json:"gpus"`
}

func (p *Provider) recordPath(kind string) string {
	return filepath.Join(p.cfg.Dir, "clusters", kind+".json")
}

func (p *Provider) saveRecord(r record) error {
	path := p.recordPath(r.Name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save cluster record: %w", err)
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("save cluster record %s: %w", path, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("save cluster record: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save cluster record: %w", err)
	}
	return nil
}

// loadRecord returns a cluster's record; ok is false when there is none.
func (p *Provider) loadRecord(kind string) (r record, ok bool, err error) {
	data, err := os.ReadFile(p.recordPath(kind))
	if errors.Is(err, fs.ErrNotExist) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("cluster record: %w", err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, false, fmt.Errorf("cluster record %s: %w", p.recordPath(kind), err)
	}
	return r, true, nil
}

func (p *Provider) removeRecord(kind string) error {
	if err := os.Remove(p.recordPath(kind)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove cluster record: %w", err)
	}
	return nil
}
