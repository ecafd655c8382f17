package environment

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/platform"
)

// Phase is where an environment is in its life.
type Phase string

const (
	PhaseCreating Phase = "creating"
	PhaseReady    Phase = "ready"
	PhaseFailed   Phase = "failed"
	PhaseDeleting Phase = "deleting"
)

// Record is what the state directory keeps about one environment.
type Record struct {
	framework.Environment
	Phase     Phase     `json:"phase"`
	Error     string    `json:"error,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	// Platform is the manifests deployed ("" is the embedded reference).
	Platform string `json:"platform,omitempty"`
	// Workload names the platform's entry workload, the one clients call
	// (`--workload`); "" lets gameday choose (fixtures.Platform.Entry).
	Workload string `json:"workload,omitempty"`
	// Monitoring: the data plane runs a Prometheus, Alertmanager and
	// kube-state-metrics per region (`up --monitoring`).
	Monitoring bool `json:"monitoring,omitempty"`
	// Adaptations are the changes made to the manifests for this environment.
	Adaptations []platform.Adaptation `json:"adaptations,omitempty"`
	// AllowContexts are the kubeconfig contexts `up --allow-context`
	// allow-listed for faults (existing provider).
	AllowContexts []string `json:"allowContexts,omitempty"`
	// Nodes is the number of simulated nodes in all regions.
	Nodes int `json:"nodes"`
	// BinDir is where the tool binaries were found at creation.
	BinDir string `json:"binDir"`
	// AgentPID is the data-plane agent's process (sim), 0 when none runs.
	AgentPID int `json:"agentPID,omitempty"`
	// Owner is the process an ephemeral environment belongs to (nil for
	// environments made with `gameday up`, which outlive it on purpose).
	Owner *Owner `json:"owner,omitempty"`
}

// Timeouts returns the environment's effective timings: its profile's,
// with heartbeats scaled to its node count (framework.Timeouts.ForNodes).
func (r *Record) Timeouts() (framework.Timeouts, error) {
	t, err := framework.TimeoutsFor(r.Profile)
	if err != nil {
		return t, err
	}
	return t.ForNodes(r.Nodes), nil
}

// DefaultName is the environment name used when none is given.
const DefaultName = "gameday"

// StateRootEnv overrides where environments are kept.
const StateRootEnv = "GAMEDAY_STATE_DIR"

// DefaultRoot returns $GAMEDAY_STATE_DIR, else $XDG_STATE_HOME/gameday, else
// ~/.local/state/gameday.
func DefaultRoot() string {
	if d := os.Getenv(StateRootEnv); d != "" {
		return d
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "gameday")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "gameday-state")
	}
	return filepath.Join(home, ".local", "state", "gameday")
}

// Store keeps environment records under Root/<name>/state.json.
type Store struct {
	Root string
}

// ValidateName checks an environment name: a DNS label of at most 20 characters.
func ValidateName(name string) error {
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return fmt.Errorf("environment name %q: %s: %w", name, strings.Join(errs, "; "), framework.ErrInvalid)
	}
	if len(name) > 20 {
		return fmt.Errorf("environment name %q: at most 20 characters: %w", name, framework.ErrInvalid)
	}
	return nil
}

// Dir is the environment's state directory.
func (s Store) Dir(name string) string { return filepath.Join(s.Root, name) }

func (s Store) statePath(name string) string { return filepath.Join(s.Dir(name), "state.json") }

// Load reads an environment's record.
func (s Store) Load(name string) (*Record, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(s.statePath(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("environment %q does not exist (no %s; create it with gameday up --name %s): %w", name, s.statePath(name), name, framework.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read environment %q: %w", name, err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("environment %q: corrupt %s: %v: %w", name, s.statePath(name), err, framework.ErrInvalid)
	}
	return &r, nil
}

// Save writes a record atomically.
func (s Store) Save(r *Record) error {
	if err := os.MkdirAll(s.Dir(r.Name), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.statePath(r.Name) + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.statePath(r.Name))
}

// List returns every environment's record, sorted by name. Unreadable
// records are returned with Phase failed and the error.
func (s Store) List() ([]Record, error) {
	entries, err := os.ReadDir(s.Root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		r, err := s.Load(e.Name())
		if errors.Is(err, framework.ErrNotFound) {
			continue
		}
		if err != nil {
			r = &Record{Environment: framework.Environment{Name: e.Name()}, Phase: PhaseFailed, Error: err.Error()}
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Lock takes the environment's exclusive lock (one up/down/inject at a time).
// It fails at once, naming the holder, when another process holds it.
func (s Store) Lock(name string) (unlock func(), err error) {
	if err := os.MkdirAll(s.Dir(name), 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(s.Dir(name), "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		return nil, fmt.Errorf("environment %q is in use by another gameday process (pid %s): %w", name, strings.TrimSpace(string(holder)), framework.ErrExists)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Remove deletes the environment's state directory.
func (s Store) Remove(name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	return os.RemoveAll(s.Dir(name))
}
