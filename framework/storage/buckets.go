package storage

import (
	"fmt"
	"net/netip"
	"strings"

	"gameday.io/gameday/framework"
)

// Buckets names a platform's model storage. The names are the platform's
// own: read from its manifests (the backup job's copy command) or its
// topology, never assumed.
type Buckets struct {
	// Model holds the published models: the inference servers load theirs
	// from it, and the primary region's is replicated to the other regions.
	Model string `json:"model"`
	// Backup receives the backup job's copy of Model.
	Backup string `json:"backup"`
}

// IsZero reports whether neither bucket is named.
func (b Buckets) IsZero() bool { return b == Buckets{} }

// String is "model → backup".
func (b Buckets) String() string { return b.Model + " → " + b.Backup }

// Validate checks that both buckets are named, with valid S3 bucket names,
// and differ (a backup into the bucket it copies protects nothing).
func (b Buckets) Validate() error {
	for _, f := range []struct{ what, name string }{{"model bucket", b.Model}, {"backup bucket", b.Backup}} {
		if err := CheckBucketName(f.name); err != nil {
			return fmt.Errorf("%s: %w", f.what, err)
		}
	}
	if b.Model == b.Backup {
		return fmt.Errorf("model and backup bucket are both %q: the backup must go to another bucket: %w", b.Model, framework.ErrInvalid)
	}
	return nil
}

// CheckBucketName checks name against S3's bucket naming rules: 3 to 63
// characters, lower-case letters, digits, dots and hyphens, starting and
// ending with a letter or digit, no two adjacent dots, not an IP address.
// A name that is not literal (a shell variable such as $BUCKET) fails too.
func CheckBucketName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("bucket name %q %s: %w", name, why, framework.ErrInvalid)
	}
	switch {
	case name == "":
		return fmt.Errorf("bucket name is empty: %w", framework.ErrInvalid)
	case len(name) < 3 || len(name) > 63:
		return bad("must be 3 to 63 characters long")
	case strings.Contains(name, ".."):
		return bad("has two adjacent dots")
	}
	for i, r := range name {
		alnum := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !alnum && (r != '.' && r != '-' || i == 0 || i == len(name)-1) {
			return bad("may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit")
		}
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return bad("is an IP address")
	}
	return nil
}
