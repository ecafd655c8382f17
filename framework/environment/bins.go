package environment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/cluster"
)

// BinDirEnv overrides where gameday looks for the binaries `make tools` builds.
const BinDirEnv = "GAMEDAY_BIN_DIR"

// FindBinDir returns the directory holding gameday's tool binaries:
// $GAMEDAY_BIN_DIR, else the directory of the running executable when it holds
// kwokctl (bin/gameday), else the nearest bin/ above the working directory.
func FindBinDir() string {
	if d := os.Getenv(BinDirEnv); d != "" {
		return d
	}
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		if fileExists(filepath.Join(dir, "kwokctl")) {
			return dir
		}
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if fileExists(filepath.Join(d, "bin", "kwokctl")) || fileExists(filepath.Join(d, "go.mod")) && fileExists(filepath.Join(d, "hack", "build-tools.sh")) {
				return filepath.Join(d, "bin")
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "bin"
}

// RequireBinaries checks that every named binary is an executable in dir.
func RequireBinaries(dir string, names ...string) error {
	if missing := cluster.MissingBinaries(dir, names...); len(missing) > 0 {
		return fmt.Errorf("%s not found in %s (run `make tools` to build them, or set %s): %w",
			strings.Join(missing, ", "), dir, BinDirEnv, framework.ErrMissingBinary)
	}
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
