// Package inference is the reference platform's inference server as a library:
// the Open Inference Protocol (KServe v2) over HTTP and the runbook's KServe v1
// predict call, in front of a model artifact downloaded from model storage.
//
// Routes:
//
//	GET  /v2/health/live            {"live": true}; 503 once the model load gave up
//	GET  /v2/health/ready           {"ready": true}; 503 {"ready": false, "reason": ...} before the model is loaded
//	GET  /v2                        server metadata
//	GET  /v2/models/{name}          model metadata (inputs, outputs, versions)
//	GET  /v2/models/{name}/ready    {"name": ..., "ready": ...}; 503 when not ready
//	POST /v2/models/{name}/infer    OIP inference; 400 {"error": ...} on bad input
//	POST /v1/models/{name}:predict  {"instances": [[1,2,3,4]]} -> {"predictions": [3.5]}
//	GET  /metrics                   Prometheus text: up, requests by route and code, latency
//
// The /v2/models/{name}/versions/{version}/... forms are accepted too. Every
// response names what served it in the X-Gameday-Region, -Zone, -Node and -Pod
// headers.
//
// Not-ready answers use 503 Service Unavailable (the OIP asks only for a 4xx or
// 5xx "false"; 503 is what Kubernetes probes, load balancers and KServe's own
// servers use) and carry the reason in the body, so `gameday status` can show
// why a pod is unready ("model not loaded: NoSuchKey: ...").
//
// Model loading: at Serve the server fetches its artifact from a ModelSource
// (S3Source in production: the platform's model bucket / storage.DefaultModelKey,
// checksum verified against the object's x-amz-meta-sha256) and retries with
// capped exponential backoff until it succeeds or the load timeout passes.
// When it gives up, readiness stays false with the last reason and liveness
// turns false too, so the kubelet's liveness probe restarts the server, the way
// a crash-looping storage initializer behaves in KServe. A load timeout of 0
// retries forever.
//
// The simulated GPU compute latency (fixed plus uniform jitter) is spent in
// every infer and predict call before the model is evaluated.
package inference
