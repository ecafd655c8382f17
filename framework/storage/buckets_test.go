package storage

import (
	"errors"
	"strings"
	"testing"

	"gameday.io/gameday/framework"
)

func TestCheckBucketName(t *testing.T) {
	for _, name := range []string{"abc", "recsys-models", "models.v2", "a1-b2.c3", strings.Repeat("a", 63)} {
		if err := CheckBucketName(name); err != nil {
			t.Errorf("%q: %v, want valid", name, err)
		}
	}
	for name, why := range map[string]string{
		"":                      "empty",
		"ab":                    "3 to 63",
		strings.Repeat("a", 64): "3 to 63",
		"Models":                "lower-case",
		"-models":               "start and end",
		"models-":               "start and end",
		"a..b":                  "adjacent dots",
		"my_models":             "lower-case",
		"$BUCKET":               "lower-case",
		"s3://models":           "lower-case",
		"192.168.1.10":          "IP address",
	} {
		err := CheckBucketName(name)
		if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %v, want an ErrInvalid saying %q", name, err, why)
		}
	}
}

func TestBucketsValidate(t *testing.T) {
	if err := (Buckets{Model: "models", Backup: "models-dr"}).Validate(); err != nil {
		t.Errorf("valid buckets: %v", err)
	}
	for name, tc := range map[string]struct {
		b    Buckets
		want string
	}{
		"no model":  {Buckets{Backup: "models-dr"}, "model bucket: bucket name is empty"},
		"no backup": {Buckets{Model: "models"}, "backup bucket: bucket name is empty"},
		"same":      {Buckets{Model: "models", Backup: "models"}, "both \"models\""},
		"invalid":   {Buckets{Model: "models", Backup: "Models_DR"}, "backup bucket: bucket name \"Models_DR\""},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.b.Validate()
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%+v: %v, want an ErrInvalid saying %q", tc.b, err, tc.want)
			}
		})
	}
	if !(Buckets{}).IsZero() || (Buckets{Model: "m"}).IsZero() {
		t.Error("IsZero")
	}
}
