package main

import (
	"io"
	"testing"
)

// The model bucket is whatever the caller names; by hand it is "models".
func TestModelBucketFlag(t *testing.T) {
	env := func(k string) string { return map[string]string{"S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b"}[k] }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, defaultModelBucket},
		{[]string{"--model-bucket", "recsys-models"}, "recsys-models"},
	} {
		c, err := parseFlags(tc.args, env, io.Discard)
		if err != nil || c.bucket != tc.want {
			t.Errorf("%v: bucket %q (%v), want %q", tc.args, c.bucket, err, tc.want)
		}
	}
}
