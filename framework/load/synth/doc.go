// Package synth builds load.Timelines of synthetic runs, request by request
// through load.Recorder, so tests of measurements, matchers and reports can
// state the exact truth (this request failed, that region served) without a
// server or a clock.
package synth
