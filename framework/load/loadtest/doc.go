// Package loadtest is a controllable inference target for tests of the load
// generator and of the measurements: a real HTTP server (httptest) that
// answers the v1 predict and v2 infer calls, names a serving region, zone and
// route in the response headers, and can be switched at known instants to
// answer with an error status, to name another region, or to hang. It counts
// every request it received, so a test can compare what the generator
// recorded with what the server saw.
package loadtest
