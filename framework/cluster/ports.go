package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Port range handed out for control-plane components: below Linux's default
// ephemeral range (32768–60999), so outgoing connections never hold them, and
// below kwokctl's own downward scan from 32767.
const (
	MinPort = 20000
	MaxPort = 32000
)

// PortRegistry hands out loopback TCP ports that are free now and not held by
// any environment on this machine. Each port handed out is a file
// Dir/<port> naming its owner, created with O_EXCL, so concurrent gameday
// processes never get the same port. Use one Dir per machine
// (DefaultPortRegistry), whatever state directories environments live in.
type PortRegistry struct {
	Dir string
	// Min and Max bound the ports handed out (default MinPort, MaxPort).
	Min, Max int
}

// DefaultPortRegistry is the machine-wide registry of the current user.
func DefaultPortRegistry() PortRegistry {
	return PortRegistry{Dir: filepath.Join(os.TempDir(), fmt.Sprintf("gameday-ports-%d", os.Getuid()))}
}

// Allocate returns n distinct ports for owner.
func (r PortRegistry) Allocate(owner string, n int) ([]int, error) {
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return nil, err
	}
	lo, hi := r.Min, r.Max
	if lo == 0 && hi == 0 {
		lo, hi = MinPort, MaxPort
	}
	var out []int
	for attempts := 0; len(out) < n; attempts++ {
		if attempts > 50*n+500 {
			_ = r.release(owner, out)
			return nil, fmt.Errorf("no free loopback port in %d-%d after %d attempts", lo, hi, attempts)
		}
		p := lo + rand.IntN(hi-lo)
		f, err := os.OpenFile(filepath.Join(r.Dir, strconv.Itoa(p)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		_, _ = f.WriteString(owner + "\n")
		f.Close()
		if !PortFree(p) {
			_ = os.Remove(filepath.Join(r.Dir, strconv.Itoa(p)))
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// Release frees every port owner holds.
func (r PortRegistry) Release(owner string) error {
	entries, err := os.ReadDir(r.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var ports []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(r.Dir, e.Name()))
		if err == nil && strings.TrimSpace(string(b)) == owner {
			ports = append(ports, p)
		}
	}
	return r.release(owner, ports)
}

func (r PortRegistry) release(_ string, ports []int) error {
	var errs []error
	for _, p := range ports {
		if err := os.Remove(filepath.Join(r.Dir, strconv.Itoa(p))); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// PortFree reports whether a TCP port can be bound on loopback and on all
// interfaces right now.
func PortFree(p int) bool {
	for _, host := range []string{"127.0.0.1", ""} {
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}
