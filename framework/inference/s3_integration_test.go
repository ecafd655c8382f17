package inference_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"gameday.io/gameday/framework/inference"
	"gameday.io/gameday/framework/inference/inferencetest"
	"gameday.io/gameday/framework/storage"
)

// startVersityGW runs the real S3 server from bin/ on a loopback port until
// the test ends and returns its endpoint.
func startVersityGW(t *testing.T) storage.Endpoint {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs bin/versitygw")
	}
	bin, err := filepath.Abs("../../bin/versitygw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("%s missing (run make tools): %v", bin, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ep := storage.Endpoint{URL: "http://" + addr, AccessKey: "gameday", SecretKey: "gameday-secret", PathStyle: true}

	logPath := filepath.Join(t.TempDir(), "versitygw.log")
	out, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close() // the child keeps its own descriptor
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", t.TempDir())
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+ep.AccessKey, "ROOT_SECRET_KEY="+ep.SecretKey)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	inferencetest.Eventually(t, 10*time.Second, "versitygw answers", func() (bool, string) {
		resp, err := http.Get(ep.URL + "/")
		if err != nil {
			log, _ := os.ReadFile(logPath)
			return false, err.Error() + "; output: " + string(log)
		}
		resp.Body.Close()
		return true, ""
	})
	return ep
}

func putModel(t *testing.T, ep storage.Endpoint, bucket, key string, body []byte, sum string) {
	t.Helper()
	c, err := storage.NewClient(ep, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	if key == "" {
		return
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body),
		Metadata: map[string]string{storage.MetaSHA256: sum}})
	if err != nil {
		t.Fatalf("put object: %v", err)
	}
}

func TestIntegrationLoadFromVersityGW(t *testing.T) {
	ep := startVersityGW(t)
	model, artifact, sum := testModel(t)

	t.Run("model missing stays unready", func(t *testing.T) {
		putModel(t, ep, testModelBucket, "", nil, "")
		src, err := inference.NewS3Source(ep, testModelBucket, storage.DefaultModelKey, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		url, srv := inferencetest.Start(t, inference.WithModelSource(src), inference.WithRetryInterval(10*time.Millisecond, 50*time.Millisecond))
		inferencetest.Eventually(t, 10*time.Second, "unready with NoSuchKey", func() (bool, string) {
			code, body, _ := get(t, url+"/v2/health/ready")
			reason := fmt.Sprint(body["reason"])
			return code == http.StatusServiceUnavailable && srv.Status().Attempts >= 2 &&
				strings.HasPrefix(reason, "model not loaded: NoSuchKey: s3://"+testModelBucket+"/models/default/model.json"), reason
		})
		t.Logf("readiness reason: %s", srv.Status().Reason)
	})

	t.Run("loads once the model is published", func(t *testing.T) {
		src, err := inference.NewS3Source(ep, testModelBucket, storage.DefaultModelKey, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		url, srv := inferencetest.Start(t, inference.WithModelSource(src), inference.WithIdentity(testID), inference.WithRetryInterval(10*time.Millisecond, 50*time.Millisecond))
		inferencetest.Eventually(t, 10*time.Second, "unready first", func() (bool, string) { s := srv.Status(); return s.Attempts >= 1 && !s.Ready, s.Reason })
		c, err := storage.NewClient(ep, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		bucket, key := testModelBucket, storage.DefaultModelKey
		if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: &key,
			Body: bytes.NewReader(artifact), Metadata: map[string]string{storage.MetaSHA256: sum}}); err != nil {
			t.Fatal(err)
		}
		inferencetest.Eventually(t, 10*time.Second, "ready after publish", func() (bool, string) { s := srv.Status(); return s.Ready, s.Reason })
		code, body, h := do(t, "POST", url+"/v1/models/default:predict", `{"instances": [[1,2,3,4]]}`)
		if code != 200 || fmt.Sprint(body["predictions"]) != "[3.5]" || h.Get("X-Gameday-Region") != "us-east1" {
			t.Fatalf("predict = %d %v %v", code, body, h)
		}
		if s := srv.Status(); s.Version != model.Version {
			t.Fatalf("loaded version %q, want %q", s.Version, model.Version)
		}
	})
}
