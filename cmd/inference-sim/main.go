// Command inference-sim is the platform's simulated inference server: the
// Open Inference Protocol (KServe v2) and the runbook's v1 predict call over a
// model artifact it downloads from S3-compatible model storage at start. In
// sim, gameday runs one per inference pod on loopback; for kind it is built
// into a static image (see Dockerfile).
//
// Usage:
//
//	inference-sim --listen 127.0.0.1:8080 --s3-endpoint http://127.0.0.1:9000 \
//	    --model-bucket models --region us-east1 --zone us-east1-a --node node-1 --pod inference-abc
//
// Secrets come from the environment: S3_ACCESS_KEY and S3_SECRET_KEY (the
// flags exist for completeness, but flags show up in process listings).
// --listen-fd N serves on an inherited listening socket instead of binding
// (the parent binds the loopback port and passes it, so no port race).
//
// Exit codes: 0 after a graceful shutdown (SIGTERM/SIGINT), 1 on a runtime
// failure (e.g. the address is in use), 2 on bad flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"gameday.io/gameday/framework"
)

const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stderr))
}

// run parses args, starts the server and blocks until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	cfg, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, errHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "inference-sim: %v\n", err)
		return exitUsage
	}
	if err := serve(ctx, cfg, stderr); err != nil {
		fmt.Fprintf(stderr, "inference-sim: %v\n", err)
		if errors.Is(err, framework.ErrInvalid) {
			return exitUsage
		}
		return exitFailed
	}
	return exitOK
}
