package envtest

import (
	"context"
	"fmt"

	"sigs.k8s.io/e2e-framework/pkg/env"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"gameday.io/gameday/framework"
)

// Steps of an e2e-framework test environment (sigs.k8s.io/e2e-framework)
// over a gameday environment: Setup brings one up and keeps it in the
// context, Finish tears it down, RegionConfig points the framework's client
// at one region's cluster. A test written with them assesses a real
// environment with the framework's features and klient.

type ctxKey struct{}

// Setup returns an env.Func that brings up a sim environment (Up) with the
// profile and platform given, and records it in the context for From.
func Setup(prefix string, profile framework.Profile, platform string) env.Func {
	return func(ctx context.Context, cfg *envconf.Config) (context.Context, error) {
		e, err := Up(ctx, prefix, profile, platform)
		if err != nil {
			return ctx, err
		}
		return context.WithValue(ctx, ctxKey{}, e), nil
	}
}

// Finish returns an env.Func that tears down the environment Setup made.
func Finish() env.Func {
	return func(ctx context.Context, cfg *envconf.Config) (context.Context, error) {
		e := From(ctx)
		if e == nil {
			return ctx, nil
		}
		return ctx, e.Down()
	}
}

// From returns the environment Setup recorded in ctx, nil when none.
func From(ctx context.Context) *Env {
	e, _ := ctx.Value(ctxKey{}).(*Env)
	return e
}

// RegionConfig returns an e2e-framework configuration whose client talks to
// the named region's cluster.
func (e *Env) RegionConfig(region string) (*envconf.Config, error) {
	r, err := e.Record.Region(region)
	if err != nil {
		return nil, err
	}
	if r.Kubeconfig == "" {
		return nil, fmt.Errorf("region %s of %s has no kubeconfig", region, e.Record.Name)
	}
	return envconf.NewWithKubeConfig(r.Kubeconfig), nil
}
