package cluster

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

func TestPortRegistryDistinctAcrossOwners(t *testing.T) {
	r := PortRegistry{Dir: t.TempDir()}
	var (
		mu  sync.Mutex
		all = map[int]string{}
		wg  sync.WaitGroup
	)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := "env" + strconv.Itoa(i)
			ports, err := r.Allocate(owner, 6)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range ports {
				if prev, dup := all[p]; dup {
					t.Errorf("port %d given to %s and %s", p, prev, owner)
				}
				all[p] = owner
				if p < MinPort || p >= MaxPort {
					t.Errorf("port %d outside range", p)
				}
			}
		}()
	}
	wg.Wait()
	if len(all) != 48 {
		t.Fatalf("got %d ports, want 48", len(all))
	}
	if err := r.Release("env3"); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(r.Dir)
	if len(left) != 42 {
		t.Fatalf("%d ports registered after releasing one owner, want 42", len(left))
	}
}

func TestPortRegistrySkipsBoundPorts(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	if PortFree(busy) {
		t.Fatalf("port %d is bound but PortFree says free", busy)
	}
	// A range of two ports, one of them bound: only the other can be handed out.
	lo := busy
	if !PortFree(busy + 1) {
		t.Skipf("port %d is busy too", busy+1)
	}
	r := PortRegistry{Dir: t.TempDir(), Min: lo, Max: lo + 2}
	ports, err := r.Allocate("x", 1)
	if err != nil {
		t.Fatal(err)
	}
	if ports[0] != busy+1 {
		t.Fatalf("got port %d, want %d (the free one)", ports[0], busy+1)
	}
	if fileExists(filepath.Join(r.Dir, strconv.Itoa(busy))) {
		t.Errorf("bound port %d left registered", busy)
	}
	if _, err := r.Allocate("y", 1); err == nil {
		t.Fatal("allocated a port from an exhausted range")
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestProcessHelpers(t *testing.T) {
	if !ProcessRunning(os.Getpid()) {
		t.Fatal("this process is running")
	}
	if ProcessRunning(0) || ProcessRunning(-1) {
		t.Fatal("no process has pid 0 or -1")
	}
	if args := ProcessCmdline(os.Getpid()); len(args) == 0 || args[0] == "" {
		t.Fatalf("cmdline of this process: %q", args)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tool"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := MissingBinaries(dir, "tool", "data", "absent"); len(got) != 2 || got[0] != "data" || got[1] != "absent" {
		t.Fatalf("missing = %v, want [data absent]", got)
	}
}
