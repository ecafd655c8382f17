package storage

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"gameday.io/gameday/framework"
)

// Endpoint says how to reach one S3-compatible store.
type Endpoint struct {
	// URL of the S3 endpoint, e.g. http://127.0.0.1:9000. Empty means AWS.
	URL string `json:"url"`
	// Region is the signing region (any value for versitygw).
	Region    string `json:"region"`
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"-"`
	// PathStyle addresses buckets as URL paths (needed for local servers).
	PathStyle bool `json:"pathStyle"`
}

// DefaultSigningRegion is used when an Endpoint names none.
const DefaultSigningRegion = "us-east-1"

// NewClient returns an S3 client for e. timeout bounds each HTTP attempt
// (0: no per-attempt bound beyond ctx).
func NewClient(e Endpoint, timeout time.Duration) (*s3.Client, error) {
	return newClient(e, &http.Client{Timeout: timeout})
}

// newClient returns an S3 client for e over hc; extra options apply last.
func newClient(e Endpoint, hc *http.Client, extra ...func(*s3.Options)) (*s3.Client, error) {
	if e.AccessKey == "" || e.SecretKey == "" {
		return nil, fmt.Errorf("s3 endpoint %q: access and secret key are required: %w", e.URL, framework.ErrInvalid)
	}
	region := e.Region
	if region == "" {
		region = DefaultSigningRegion
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(e.AccessKey, e.SecretKey, ""),
		HTTPClient:  hc,
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if e.URL != "" {
			o.BaseEndpoint = aws.String(e.URL)
		}
		o.UsePathStyle = e.PathStyle
		// Local servers do not all speak the newest checksum defaults.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}, func(o *s3.Options) {
		for _, f := range extra {
			f(o)
		}
	}), nil
}

// Ping checks that the endpoint answers an authenticated request.
func Ping(ctx context.Context, c *s3.Client) error {
	_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	return err
}
