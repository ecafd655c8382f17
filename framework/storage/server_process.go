package storage

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"gameday.io/gameday/framework"
)

// Process handling of a Server: spawning versitygw bound to loopback,
// waiting until it answers, and ending it by its PID.

// listenPort returns port when it is free at 127.0.0.1, or a free port when
// port is 0. (Another process may still take a chosen port before the server
// binds it; the server then exits and StartServer reports its log.)
func listenPort(port int) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return 0, fmt.Errorf("127.0.0.1:%d: %w", port, ErrPortInUse)
		}
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) spawn(addr string) error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("s3 server %s: %w", s.cfg.Region, err)
	}
	defer logf.Close() // the child keeps its own descriptor
	cmd := exec.Command(s.cfg.Binary,
		"--port", addr, "--region", s.cfg.Region, "--quiet",
		"posix", DataDir(s.cfg.Dir))
	// Credentials travel in the environment, not argv, so ps does not show them.
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+s.cfg.AccessKey, "ROOT_SECRET_ACCESS_KEY="+s.cfg.SecretKey)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Pdeathsig kills the server when the thread that started it exits, which
	// for a Go program is in practice when the process exits; its own process
	// group keeps a terminal's Ctrl-C for gameday, which stops it in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("s3 server %s: start %s: %w", s.cfg.Region, s.cfg.Binary, err)
	}
	s.cmd = cmd
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	pidFile := filepath.Join(s.cfg.Dir, "versitygw.pid")
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		s.log.Warn("write pid file", "err", err)
	}
	return nil
}

func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StartTimeout)
	defer cancel()
	c, err := NewClient(s.endpoint, s.cfg.Poll*4)
	if err != nil {
		return err
	}
	tick := time.NewTicker(s.cfg.Poll)
	defer tick.Stop()
	var last error
	for {
		if last = Ping(ctx, c); last == nil {
			return nil
		}
		select {
		case <-s.done:
			return s.exitError("exited during start")
		case <-ctx.Done():
			return fmt.Errorf("s3 server %s at %s did not answer within %s (last error: %v; log %s): %w",
				s.cfg.Region, s.endpoint.URL, s.cfg.StartTimeout, last, s.logPath, ctx.Err())
		case <-tick.C:
		}
	}
}

// exitError describes an exited process with the tail of its log.
func (s *Server) exitError(what string) error {
	out, _ := os.ReadFile(s.logPath)
	if len(out) > 4000 {
		out = out[len(out)-4000:]
	}
	err := &framework.CommandError{Command: s.cmd.Args, Output: string(out), Err: s.waitErr}
	if inUse(out) {
		return fmt.Errorf("s3 server %s %s: %w: %w", s.cfg.Region, what, ErrPortInUse, err)
	}
	return fmt.Errorf("s3 server %s %s: %w", s.cfg.Region, what, err)
}

// Stop ends the process by its PID: SIGTERM, then SIGKILL after the grace
// period (or when ctx ends). Stopping a stopped server is a no-op.
func (s *Server) Stop(ctx context.Context) error {
	s.stopping.Store(true)
	select {
	case <-s.done:
		return nil
	default:
	}
	pid := s.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop s3 server %s (pid %d): %w", s.cfg.Region, pid, err)
	}
	grace := time.NewTimer(s.cfg.StopGrace)
	defer grace.Stop()
	select {
	case <-s.done:
	case <-grace.C:
	case <-ctx.Done():
	}
	select {
	case <-s.done:
	default:
		s.log.Warn("s3 server ignored SIGTERM, killing", "pid", pid)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("kill s3 server %s (pid %d): %w", s.cfg.Region, pid, err)
		}
		<-s.done
	}
	_ = os.Remove(filepath.Join(s.cfg.Dir, "versitygw.pid"))
	s.log.Info("s3 server stopped", "pid", pid)
	return nil
}
