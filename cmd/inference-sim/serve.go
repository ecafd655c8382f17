package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/inference"
)

// serve builds the server from cfg and serves until ctx ends.
func serve(ctx context.Context, cfg config, stderr io.Writer) error {
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if cfg.logFormat == "json" {
		h = slog.NewJSONHandler(stderr, nil)
	}
	logger := slog.New(h).With("pod", cfg.id.Pod)

	src, err := inference.NewS3Source(cfg.s3, cfg.bucket, cfg.key, cfg.attemptTimeout)
	if err != nil {
		return err
	}
	srv, err := inference.New(
		inference.WithIdentity(cfg.id),
		inference.WithModelName(cfg.modelName),
		inference.WithModelSource(src),
		inference.WithLatency(cfg.latency, cfg.jitter),
		inference.WithLoadTimeout(cfg.loadTimeout),
		inference.WithShutdownTimeout(cfg.shutdownTimeout),
		inference.WithLogger(logger),
	)
	if err != nil {
		return err
	}
	ln, err := listen(cfg)
	if err != nil {
		return err
	}
	logger.Info("serving", "addr", ln.Addr().String(), "model", src.String())
	return srv.Serve(ctx, ln)
}

// listen binds --listen or adopts the socket inherited as --listen-fd.
func listen(cfg config) (net.Listener, error) {
	if cfg.listenFD == 0 {
		ln, err := net.Listen("tcp", cfg.listen)
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %w", cfg.listen, err)
		}
		return ln, nil
	}
	if cfg.listenFD < 3 {
		return nil, fmt.Errorf("--listen-fd %d is stdin/stdout/stderr: %w", cfg.listenFD, framework.ErrInvalid)
	}
	f := os.NewFile(uintptr(cfg.listenFD), fmt.Sprintf("listen-fd-%d", cfg.listenFD))
	if f == nil {
		return nil, fmt.Errorf("--listen-fd %d is not an open file: %w", cfg.listenFD, framework.ErrInvalid)
	}
	defer f.Close() // FileListener dups it
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("--listen-fd %d is not a listening socket: %v: %w", cfg.listenFD, err, framework.ErrInvalid)
	}
	return ln, nil
}
