package kind

import (
	"fmt"
	"math"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/platform"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// StorageSecret is the Secret the kind provider adds beside each workload:
// the model storage credentials its inference servers read.
const StorageSecret = "gameday-model-storage"

// defaultServingPort is where a container serves when neither its ports nor
// its probes say.
const defaultServingPort = 8080

// inferenceBinary is the server's path in the inference image.
const inferenceBinary = "/usr/local/bin/inference-sim"

// Adapt implements provider.PlatformAdapter. The pods run on real kubelets,
// so what the sim's data plane does for each pod is written into the pod
// template instead:
//   - every container runs gameday's inference server (the platform's images
//     are in no registry this machine reaches), on the port its manifest
//     serves and probes, loading the model from the region's storage as the
//     sim's servers do;
//   - CPU and memory requests and limits are dropped (every node container
//     shares this machine's cores and memory; the scheduler still accounts
//     for nvidia.com/gpu, which the nodes advertise from the topology);
//   - probe timings are scaled by the profile, as the sim's kubelet scales
//     them.
func (p *Provider) Adapt(m *platform.Manifests, in provider.AdaptInput) ([]platform.Adaptation, error) {
	if in.StorageURL == "" {
		return nil, fmt.Errorf("kind: adapting the platform for %s needs the region's storage URL (the data plane starts first): %w", in.Region, framework.ErrInvalid)
	}
	var adapts []platform.Adaptation
	secretIn := map[string]bool{}
	for _, d := range m.Deployments {
		obj := "Deployment/" + d.Name
		spec := &d.Spec.Template.Spec
		for i := range spec.Containers {
			c := &spec.Containers[i]
			port, err := servingPort(c)
			if err != nil {
				return nil, fmt.Errorf("%s container %s: %w", obj, c.Name, err)
			}
			was := c.Image
			c.Image, c.ImagePullPolicy = p.InferenceImage, corev1.PullNever
			c.Command = []string{inferenceBinary}
			c.Args = []string{
				"--listen=:" + strconv.Itoa(port), "--region=" + in.Region,
				"--zone=$(GAMEDAY_ZONE)", "--node=$(GAMEDAY_NODE)", "--pod=$(GAMEDAY_POD)",
				"--s3-endpoint=" + in.StorageURL, "--s3-region=" + in.Region,
				"--model-bucket=" + in.ModelBucket, "--load-timeout=0", "--log-format=json",
			}
			c.Env = append(c.Env,
				fieldEnv("GAMEDAY_POD", "metadata.name"),
				fieldEnv("GAMEDAY_NODE", "spec.nodeName"),
				fieldEnv("GAMEDAY_ZONE", "metadata.labels['"+topology.LabelZone+"']"),
				secretEnv("S3_ACCESS_KEY", "accessKey"),
				secretEnv("S3_SECRET_KEY", "secretKey"))
			adapts = append(adapts, platform.Adaptation{Object: obj,
				Change: fmt.Sprintf("container %s runs %s on port %d instead of %s", c.Name, p.InferenceImage, port, was),
				Reason: "no registry is reachable: gameday's inference server, built here, serves the platform's protocol and loads the model from the region's storage"})
			if dropCompute(&c.Resources) {
				adapts = append(adapts, platform.Adaptation{Object: obj,
					Change: fmt.Sprintf("container %s: cpu and memory requests and limits removed (nvidia.com/gpu kept)", c.Name),
					Reason: "every kind node shares this machine's cores and memory; the scheduler still places pods by the GPUs the nodes advertise"})
			}
			if in.Timeouts.ManifestScale > 0 && in.Timeouts.ManifestScale != 1 {
				for _, pr := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
					scaleProbe(pr, in.Timeouts.ManifestScale)
				}
				adapts = append(adapts, platform.Adaptation{Object: obj,
					Change: fmt.Sprintf("container %s: probe timings scaled by %g", c.Name, in.Timeouts.ManifestScale),
					Reason: "the profile scales the manifests' timings; the sim's kubelet does it while probing, kind's real kubelet reads them from the pod"})
			}
		}
		if !secretIn[d.Namespace] {
			secretIn[d.Namespace] = true
			m.Secrets = append(m.Secrets, &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: StorageSecret, Namespace: d.Namespace, Labels: map[string]string{"app.kubernetes.io/managed-by": "gameday"}},
				StringData: map[string]string{"accessKey": in.AccessKey, "secretKey": in.SecretKey},
			})
			adapts = append(adapts, platform.Adaptation{Object: "Secret/" + StorageSecret, Change: "created in " + d.Namespace,
				Reason: "the inference servers' credentials for the region's model storage, which gameday runs"})
		}
	}
	return adapts, nil
}

// servingPort is the port a container serves on: its first container port,
// else the port its readiness (then liveness, startup) probe calls.
func servingPort(c *corev1.Container) (int, error) {
	if len(c.Ports) > 0 {
		return int(c.Ports[0].ContainerPort), nil
	}
	for _, pr := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
		if pr == nil || pr.HTTPGet == nil {
			continue
		}
		if pr.HTTPGet.Port.Type == intstr.Int {
			return pr.HTTPGet.Port.IntValue(), nil
		}
		return 0, fmt.Errorf("probe port %q names no container port: %w", pr.HTTPGet.Port.String(), framework.ErrInvalid)
	}
	return defaultServingPort, nil
}

// dropCompute removes cpu and memory from requests and limits and reports
// whether there were any.
func dropCompute(r *corev1.ResourceRequirements) bool {
	dropped := false
	for _, l := range []corev1.ResourceList{r.Requests, r.Limits} {
		for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := l[name]; ok {
				delete(l, name)
				dropped = true
			}
		}
	}
	return dropped
}

// scaleProbe scales a probe's timings; periods and timeouts stay at least
// one second (the API's minimum).
func scaleProbe(pr *corev1.Probe, scale float64) {
	if pr == nil {
		return
	}
	scaled := func(v, floor int32) int32 {
		return max(floor, int32(math.Round(float64(v)*scale)))
	}
	pr.InitialDelaySeconds = scaled(pr.InitialDelaySeconds, 0)
	if pr.PeriodSeconds > 0 {
		pr.PeriodSeconds = scaled(pr.PeriodSeconds, 1)
	} else {
		pr.PeriodSeconds = scaled(10, 1)
	}
	if pr.TimeoutSeconds > 0 {
		pr.TimeoutSeconds = scaled(pr.TimeoutSeconds, 1)
	}
}

func fieldEnv(name, path string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: path}}}
}

func secretEnv(name, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: StorageSecret}, Key: key}}}
}
