package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/inference"
	"gameday.io/gameday/framework/storage"
)

// config is the parsed command line.
type config struct {
	listen          string
	listenFD        int
	id              inference.Identity
	modelName       string
	s3              storage.Endpoint
	bucket, key     string
	latency, jitter time.Duration
	loadTimeout     time.Duration
	attemptTimeout  time.Duration
	shutdownTimeout time.Duration
	logFormat       string
}

var errHelp = errors.New("help requested")

// defaultModelBucket is the model bucket of a server started by hand; the
// data plane passes the platform's own with --model-bucket.
const defaultModelBucket = "models"

func parseFlags(args []string, getenv func(string) string, out io.Writer) (config, error) {
	c := config{s3: storage.Endpoint{PathStyle: true}}
	fs := flag.NewFlagSet("inference-sim", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:8080", "address to listen on")
	fs.IntVar(&c.listenFD, "listen-fd", 0, "serve on this inherited listening socket (e.g. 3) instead of --listen")
	fs.StringVar(&c.id.Region, "region", "", "region reported in the "+framework.HeaderRegion+" header")
	fs.StringVar(&c.id.Zone, "zone", "", "zone reported in the "+framework.HeaderZone+" header")
	fs.StringVar(&c.id.Node, "node", "", "node reported in the "+framework.HeaderNode+" header")
	fs.StringVar(&c.id.Pod, "pod", "", "pod reported in the "+framework.HeaderPod+" header")
	fs.StringVar(&c.modelName, "model-name", inference.DefaultModelName, "name the model is served under")
	fs.StringVar(&c.s3.URL, "s3-endpoint", "", "S3 endpoint URL of model storage (empty: AWS)")
	fs.StringVar(&c.s3.Region, "s3-region", storage.DefaultSigningRegion, "S3 signing region")
	fs.StringVar(&c.s3.AccessKey, "s3-access-key", getenv("S3_ACCESS_KEY"), "S3 access key (env S3_ACCESS_KEY)")
	fs.StringVar(&c.s3.SecretKey, "s3-secret-key", "", "S3 secret key (prefer env S3_SECRET_KEY)")
	fs.BoolVar(&c.s3.PathStyle, "s3-path-style", true, "address buckets as URL paths (local S3 servers need it)")
	fs.StringVar(&c.bucket, "model-bucket", defaultModelBucket, "bucket of the model artifact (gameday passes the platform's model bucket)")
	fs.StringVar(&c.key, "model-key", storage.DefaultModelKey, "key of the model artifact")
	fs.DurationVar(&c.latency, "latency", inference.DefaultLatency, "simulated GPU compute latency per inference")
	fs.DurationVar(&c.jitter, "latency-jitter", inference.DefaultJitter, "extra uniformly random latency in [0, jitter)")
	fs.DurationVar(&c.loadTimeout, "load-timeout", inference.DefaultLoadTimeout, "give up loading the model after this long (0: never)")
	fs.DurationVar(&c.attemptTimeout, "load-attempt-timeout", 10*time.Second, "bound on one model download attempt")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", inference.DefaultShutdownTimeout, "drain in-flight requests this long on SIGTERM")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, errHelp
		}
		return c, fmt.Errorf("%v: %w", err, framework.ErrInvalid)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q: %w", fs.Args(), framework.ErrInvalid)
	}
	if c.s3.SecretKey == "" {
		c.s3.SecretKey = getenv("S3_SECRET_KEY")
	}
	if c.s3.AccessKey == "" || c.s3.SecretKey == "" {
		return c, fmt.Errorf("S3 credentials missing: set S3_ACCESS_KEY and S3_SECRET_KEY: %w", framework.ErrInvalid)
	}
	if c.listenFD < 0 {
		return c, fmt.Errorf("--listen-fd %d: want a file descriptor >= 3: %w", c.listenFD, framework.ErrInvalid)
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("--log-format %q: want text or json: %w", c.logFormat, framework.ErrInvalid)
	}
	return c, nil
}
