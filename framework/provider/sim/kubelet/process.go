package kubelet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"gameday.io/gameday/framework/provider"
)

// serverProc is one running inference server process.
type serverProc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	err  error // exit status, valid after done is closed
}

// startServer binds a loopback port, hands the listening socket to a new
// server process as fd 3 and closes the parent's copy, so the port lives
// exactly as long as the process: when it dies, connections are refused.
// The process is killed if gameday dies (Pdeathsig).
func startServer(spec provider.ServerSpec) (*serverProc, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for inference server: %w", err)
	}
	f, err := l.(*net.TCPListener).File()
	l.Close()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	log, err := os.OpenFile(spec.Log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd := exec.Command(spec.Binary, append([]string{"--listen-fd", "3"}, spec.Args...)...)
	cmd.Env = append(os.Environ(), spec.Env...)
	cmd.ExtraFiles = []*os.File{f}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("inference server binary %s not found (run `make build`): %w", spec.Binary, err)
		}
		return nil, fmt.Errorf("start inference server: %w", err)
	}
	p := &serverProc{cmd: cmd, addr: l.Addr().String(), done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// URL is the server's loopback base URL.
func (p *serverProc) URL() string { return "http://" + p.addr }

// exited reports whether the process has ended.
func (p *serverProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill ends the process at once (SIGKILL), as when its machine loses power,
// and waits for it to be reaped. SIGKILL ends a frozen (stopped) process too.
func (p *serverProc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// freeze stops the process (SIGSTOP) without closing anything: its listener
// stays open, the kernel still accepts connections into the backlog and
// buffers what clients send, and nothing answers: a black hole, as a
// machine that lost power or network looks to its clients.
// It returns once the kernel reports the process stopped (signals are
// delivered asynchronously).
func (p *serverProc) freeze() error {
	pid := p.cmd.Process.Pid
	if err := p.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		return fmt.Errorf("freeze inference server (pid %d): %w", pid, err)
	}
	err := wait.PollUntilContextTimeout(context.Background(), 2*time.Millisecond, freezeTimeout, true, func(context.Context) (bool, error) {
		if p.exited() {
			return false, fmt.Errorf("it exited")
		}
		return procState(pid) == "T", nil
	})
	if err != nil {
		return fmt.Errorf("freeze inference server (pid %d): not stopped after %s: %w", pid, freezeTimeout, err)
	}
	return nil
}

// freezeTimeout bounds the wait for a SIGSTOP to take effect.
const freezeTimeout = 5 * time.Second

// procState is the state letter of a process in /proc/PID/stat (T: stopped,
// Z: zombie; "" when unreadable).
func procState(pid int) string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return ""
	}
	s := string(b)
	// The command name is in parentheses and may contain anything.
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return ""
	}
	return s[i+2 : i+3]
}

// thaw resumes a frozen process (SIGCONT); it answers what queued meanwhile.
func (p *serverProc) thaw() error {
	if err := p.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		return fmt.Errorf("resume inference server (pid %d): %w", p.cmd.Process.Pid, err)
	}
	return nil
}

// stop asks the process to shut down gracefully and kills it after grace.
// A frozen process is resumed after SIGTERM so it can handle it.
func (p *serverProc) stop(grace time.Duration) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.cmd.Process.Signal(syscall.SIGCONT)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		p.kill()
	}
}
