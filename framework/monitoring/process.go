package monitoring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// process is one child process of the stack, its output in a log file.
type process struct {
	name    string
	logPath string
	// readyURL answers 200 once the process serves.
	readyURL string
	cmd      *exec.Cmd
	done     chan struct{} // closed when the process has exited
	err      error         // its exit status, set before done is closed
}

// startProcess starts bin with args, stdout and stderr going to logPath.
func startProcess(name, bin string, args []string, logPath string) (*process, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	// It dies with whoever started it (a killed data-plane agent leaves no
	// Prometheus behind), and a terminal's Ctrl-C reaches gameday only,
	// which stops it in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("start %s (%s): %w", name, bin, err)
	}
	p := &process{name: name, logPath: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		out.Close()
		close(p.done)
	}()
	return p, nil
}

// PID returns the process id.
func (p *process) PID() int { return p.cmd.Process.Pid }

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// logTail returns the last lines of the process' output, for errors.
func (p *process) logTail() string {
	data, _ := os.ReadFile(p.logPath)
	const keep = 1500
	if len(data) > keep {
		data = data[len(data)-keep:]
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	return string(bytes.TrimSpace(data))
}

// waitReady polls url until it answers 200, the process exits or timeout
// passes; the error names the process and ends with its log's tail.
func (p *process) waitReady(ctx context.Context, url string, interval, timeout time.Duration) error {
	client := &http.Client{Timeout: interval + time.Second}
	var last error
	err := wait.PollUntilContextTimeout(ctx, interval, timeout, true, func(ctx context.Context) (bool, error) {
		if p.exited() {
			return false, fmt.Errorf("exited (%v)", p.err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err
			return false, nil
		}
		resp.Body.Close()
		last = fmt.Errorf("%s answered %s", url, resp.Status)
		return resp.StatusCode == http.StatusOK, nil
	})
	if err == nil {
		return nil
	}
	if last != nil && !p.exited() {
		err = fmt.Errorf("%w; last: %v", err, last)
	}
	return fmt.Errorf("%s (pid %d) not ready at %s: %w\n%s", p.name, p.PID(), url, err, p.logTail())
}

// stop ends the process: SIGTERM to its PID, SIGKILL after grace. It
// returns nil when the process ended by either signal or had already exited
// cleanly.
func (p *process) stop(grace time.Duration, log *slog.Logger) error {
	if p.exited() {
		return p.exitErr()
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop %s (pid %d): %w", p.name, p.PID(), err)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		return nil
	case <-t.C:
	}
	log.Warn("process ignored SIGTERM, killing it", "process", p.name, "pid", p.PID(), "grace", grace)
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill %s (pid %d): %w", p.name, p.PID(), err)
	}
	<-p.done
	return nil
}

func (p *process) exitErr() error {
	if p.err != nil {
		return fmt.Errorf("%s (pid %d) had exited: %w\n%s", p.name, p.PID(), p.err, p.logTail())
	}
	return nil
}

// freeAddress returns a 127.0.0.1 address with a port that was free a moment
// ago, for a child process to listen on.
func freeAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port: %w", err)
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}
