package kind

import (
	"fmt"
	"log/slog"

	kindlog "sigs.k8s.io/kind/pkg/log"
)

// kindLogger adapts a *slog.Logger to kind's logger: warnings and errors go
// to slog at their level, kind's status lines (V(0)) at Info and its verbose
// output (V(1) and above) at Debug.
type kindLogger struct{ l *slog.Logger }

var _ kindlog.Logger = kindLogger{}

func (k kindLogger) Warn(m string)                     { k.l.Warn(m) }
func (k kindLogger) Warnf(f string, a ...interface{})  { k.l.Warn(fmt.Sprintf(f, a...)) }
func (k kindLogger) Error(m string)                    { k.l.Error(m) }
func (k kindLogger) Errorf(f string, a ...interface{}) { k.l.Error(fmt.Sprintf(f, a...)) }
func (k kindLogger) V(level kindlog.Level) kindlog.InfoLogger {
	return kindInfo{l: k.l, debug: level > 0}
}

type kindInfo struct {
	l     *slog.Logger
	debug bool
}

func (k kindInfo) Info(m string) {
	if k.debug {
		k.l.Debug(m)
		return
	}
	k.l.Info(m)
}
func (k kindInfo) Infof(f string, a ...interface{}) { k.Info(fmt.Sprintf(f, a...)) }
func (k kindInfo) Enabled() bool                    { return true }
