package framework

import (
	"errors"
	"testing"
)

func TestInvalidf(t *testing.T) {
	err := Invalidf("gateway", "retries %d is negative", -1)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("%v does not wrap ErrInvalid", err)
	}
	if got, want := err.Error(), "gateway: retries -1 is negative: invalid input"; got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	// A format verb in an argument is not interpreted twice.
	if got, want := Invalidf("load", "url %q", "%d").Error(), `load: url "%d": invalid input`; got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
}
