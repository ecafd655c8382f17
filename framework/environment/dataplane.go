package environment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/fixtures"
	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
	"gameday.io/gameday/framework/storage"
)

// AgentInfo is what a running data-plane agent publishes in its state
// directory (agent.json) once it serves.
type AgentInfo struct {
	PID        int                   `json:"pid"`
	ControlURL string                `json:"controlURL"`
	URL        string                `json:"url"`
	Regions    map[string]RegionURLs `json:"regions"`
	// ModelBucket is the bucket the data plane seeded with the model.
	ModelBucket string `json:"modelBucket,omitempty"`
}

// RegionURLs are one region's data-plane endpoints.
type RegionURLs struct {
	Gateway        string `json:"gateway"`
	Storage        string `json:"storage"`
	StorageBackend string `json:"storageBackend"`
}

// Credentials are an environment's S3 root keys, kept 0600 in its state dir.
type Credentials struct {
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
}

func (s Store) agentInfoPath(name string) string { return filepath.Join(s.Dir(name), "agent.json") }
func (s Store) credentialsPath(name string) string {
	return filepath.Join(s.Dir(name), "credentials.json")
}

// AgentLog is the data-plane agent's log file.
func (s Store) AgentLog(name string) string { return filepath.Join(s.Dir(name), "agent.log") }

// SaveAgentInfo publishes a running agent's endpoints (atomically).
func (s Store) SaveAgentInfo(name string, info AgentInfo) error {
	return writeJSON(s.agentInfoPath(name), info, 0o644)
}

// LoadCredentials reads an environment's S3 credentials.
func (s Store) LoadCredentials(name string) (Credentials, error) {
	var c Credentials
	b, err := os.ReadFile(s.credentialsPath(name))
	if err != nil {
		return c, fmt.Errorf("environment %q credentials: %w", name, err)
	}
	return c, json.Unmarshal(b, &c)
}

func writeJSON(path string, v any, mode os.FileMode) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// LoadPlatform decodes the manifests an environment deploys: "" or
// "reference" is the embedded reference, "remediated" the embedded
// remediated set, "second" the embedded second platform (another team's,
// two workloads), anything else a file or directory. The platform is
// focused on its entry workload (fixtures.Platform.Entry; workload names it,
// "" chooses), so its Deployment, Service, PDB and DestinationRule are that
// workload's and related to each other.
func LoadPlatform(source, workload string) (*fixtures.Platform, fixtures.Entry, error) {
	var p *fixtures.Platform
	var err error
	switch source {
	case "", "reference":
		p, err = fixtures.Reference()
	case "remediated":
		p, err = fixtures.Remediated()
	case "second":
		p, err = fixtures.Second()
	default:
		p, err = fixtures.Load(source)
	}
	if err != nil {
		return nil, fixtures.Entry{}, err
	}
	if p.Deployment == nil {
		return nil, fixtures.Entry{}, fmt.Errorf("manifests %s: no Deployment to deploy: %w", source, framework.ErrInvalid)
	}
	e, err := p.Entry(workload)
	if err != nil {
		return nil, fixtures.Entry{}, err
	}
	p.Focus(e)
	return p, e, nil
}

// startAgent launches `gameday agent` for rec as a detached daemon and waits
// until it publishes agent.json.
func startAgent(ctx context.Context, s Store, rec *Record, gameday string, t framework.Timeouts) (*AgentInfo, error) {
	if _, err := os.Stat(s.credentialsPath(rec.Name)); errors.Is(err, os.ErrNotExist) {
		ak, sk, err := storage.GenerateCredentials()
		if err != nil {
			return nil, err
		}
		if err := writeJSON(s.credentialsPath(rec.Name), Credentials{AccessKey: ak, SecretKey: sk}, 0o600); err != nil {
			return nil, err
		}
	}
	_ = os.Remove(s.agentInfoPath(rec.Name))
	log, err := os.OpenFile(s.AgentLog(rec.Name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd := exec.Command(gameday, "agent", "--name", rec.Name)
	cmd.Env = append(os.Environ(), StateRootEnv+"="+s.Root, BinDirEnv+"="+rec.BinDir)
	cmd.Stdout, cmd.Stderr = log, log
	// Its own session: the agent outlives `gameday up` and ignores the terminal's Ctrl-C.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start data-plane agent %s: %w", gameday, err)
	}
	rec.AgentPID = cmd.Process.Pid
	if err := s.Save(rec); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var info *AgentInfo
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, t.ServerStart+30*time.Second, true, func(context.Context) (bool, error) {
		select {
		case err := <-exited:
			return false, fmt.Errorf("data-plane agent exited (%v): %s", err, tail(s.AgentLog(rec.Name), 5))
		default:
		}
		b, err := os.ReadFile(s.agentInfoPath(rec.Name))
		if err != nil {
			return false, nil
		}
		info = &AgentInfo{}
		return json.Unmarshal(b, info) == nil, nil
	})
	if err != nil {
		// Stop it here, by identity: we are its parent, so its PID cannot
		// be recycled before we reap it, and `down` would look for it by
		// command line, which a just-started process may not show yet.
		if agent, ok := cluster.FindProc(cmd.Process.Pid); ok {
			_ = terminateAgent(agent, rec.Name)
		}
		return nil, fmt.Errorf("data-plane agent did not start (log %s): %w", s.AgentLog(rec.Name), err)
	}
	return info, nil
}

// stopAgent ends rec's agent: SIGTERM (it stops every server it started),
// then SIGKILL after a grace period. Only a process that is this
// environment's agent is signalled.
func stopAgent(rec *Record) error {
	agent, ok := findAgent(rec.AgentPID, rec.Name)
	if !ok {
		return nil
	}
	return terminateAgent(agent, rec.Name)
}

// terminateAgent sends SIGTERM, waits, then SIGKILL, and waits until the
// process is gone.
func terminateAgent(agent cluster.Proc, name string) error {
	_ = syscall.Kill(agent.PID, syscall.SIGTERM)
	exited := func(context.Context) (bool, error) { return !agent.Running(), nil }
	if wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 15*time.Second, true, exited) == nil {
		return nil
	}
	_ = syscall.Kill(agent.PID, syscall.SIGKILL)
	if err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 5*time.Second, true, exited); err != nil {
		return fmt.Errorf("data-plane agent %d of %q did not exit after SIGKILL: %w", agent.PID, name, err)
	}
	return nil
}

// findAgent returns the process pid when it is a live
// `gameday agent --name name`. It is then followed by its identity (PID and
// start time): an exiting agent has no command line any more.
func findAgent(pid int, name string) (cluster.Proc, bool) {
	return cluster.FindProcMatching(pid, func(args []string) bool {
		return len(args) >= 4 && args[1] == "agent" && args[2] == "--name" && args[3] == name
	})
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
