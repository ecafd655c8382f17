package load

import (
	"strings"
)

// Cause is why a request failed.
type Cause string

// The causes a failure is classified into.
const (
	// CauseNone: the request succeeded (2xx or 3xx).
	CauseNone Cause = ""
	// Cause5xx, Cause4xx: the server answered with that status class.
	Cause5xx Cause = "5xx"
	Cause4xx Cause = "4xx"
	// CauseStatus: another unsuccessful status (1xx, or a 3xx not followed).
	CauseStatus Cause = "status"
	// CauseTimeout: no complete answer within the request timeout.
	CauseTimeout Cause = "timeout"
	// CauseRefused: the connection was refused (nothing listening).
	CauseRefused Cause = "connectionRefused"
	// CauseReset: the connection was reset or closed mid-request (a server
	// that died, a proxy that gave up).
	CauseReset Cause = "connectionReset"
	// CauseOther: any other transport error.
	CauseOther Cause = "other"
)

// Failures counts failed requests by cause.
type Failures struct {
	Status5xx   int `json:"5xx,omitempty"`
	Status4xx   int `json:"4xx,omitempty"`
	StatusOther int `json:"status,omitempty"`
	Timeout     int `json:"timeout,omitempty"`
	Refused     int `json:"connectionRefused,omitempty"`
	Reset       int `json:"connectionReset,omitempty"`
	Other       int `json:"other,omitempty"`
}

// Total is the number of failures of every cause.
func (f Failures) Total() int {
	return f.Status5xx + f.Status4xx + f.StatusOther + f.Timeout + f.Refused + f.Reset + f.Other
}

// Count returns the failures of one cause.
func (f Failures) Count(c Cause) int {
	if p := f.field(c); p != nil {
		return *p
	}
	return 0
}

// Inc counts one failure of cause c (CauseNone counts nothing).
func (f *Failures) Inc(c Cause) {
	if p := f.field(c); p != nil {
		*p++
	}
}

func (f *Failures) field(c Cause) *int {
	switch c {
	case Cause5xx:
		return &f.Status5xx
	case Cause4xx:
		return &f.Status4xx
	case CauseStatus:
		return &f.StatusOther
	case CauseTimeout:
		return &f.Timeout
	case CauseRefused:
		return &f.Refused
	case CauseReset:
		return &f.Reset
	case CauseOther:
		return &f.Other
	}
	return nil
}

func (f *Failures) add(o Failures) {
	f.Status5xx += o.Status5xx
	f.Status4xx += o.Status4xx
	f.StatusOther += o.StatusOther
	f.Timeout += o.Timeout
	f.Refused += o.Refused
	f.Reset += o.Reset
	f.Other += o.Other
}

// Classify returns why a result failed, or CauseNone when it succeeded. code
// is the HTTP status (0 when no complete response arrived) and errText the
// error vegeta recorded (the status line for an unsuccessful status).
func Classify(code uint16, errText string) Cause {
	switch {
	case code >= 200 && code < 400 && errText == "":
		return CauseNone
	case code >= 500:
		return Cause5xx
	case code >= 400:
		return Cause4xx
	case code != 0:
		return CauseStatus
	}
	e := strings.ToLower(errText)
	switch {
	case containsAny(e, "timeout", "deadline exceeded"):
		return CauseTimeout
	case strings.Contains(e, "connection refused"):
		return CauseRefused
	case containsAny(e, "connection reset", "broken pipe", "eof", "server closed", "forcibly closed", "connection aborted"):
		return CauseReset
	}
	return CauseOther
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
