package kind

import (
	"errors"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/platform"
	"gameday.io/gameday/framework/provider"
)

func deployment(ns, name string, c corev1.Container) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{c}}}},
	}
}

func httpProbe(port intstr.IntOrString, delay, period int32) *corev1.Probe {
	return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/v2/health/ready", Port: port}},
		InitialDelaySeconds: delay, PeriodSeconds: period}
}

func TestAdaptRunsTheInferenceServerOnTheManifestsPort(t *testing.T) {
	p, err := New(Config{Dir: t.TempDir(), Env: "unit"})
	if err != nil {
		t.Fatal(err)
	}
	gpu := corev1.ResourceName("nvidia.com/gpu")
	withPort := corev1.Container{Name: "server", Image: "registry.example.com/ranker:2",
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8000}},
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("16Gi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("16Gi"), gpu: resource.MustParse("1")},
		},
		ReadinessProbe: httpProbe(intstr.FromString("http"), 15, 10)}
	probeOnly := func() corev1.Container {
		return corev1.Container{Name: "inference", Image: "inference:v1",
			Resources:      corev1.ResourceRequirements{Limits: corev1.ResourceList{gpu: resource.MustParse("1")}},
			ReadinessProbe: httpProbe(intstr.FromInt32(9090), 30, 10), LivenessProbe: httpProbe(intstr.FromInt32(9090), 60, 15)}
	}
	m := &platform.Manifests{Deployments: []*appsv1.Deployment{
		deployment("recsys", "ranker", withPort), deployment("recsys", "embedder", probeOnly()), deployment("serving", "model", probeOnly()),
	}}
	in := provider.AdaptInput{Region: "us-east1", StorageURL: "http://172.18.0.1:4321", AccessKey: "ak", SecretKey: "sk",
		ModelBucket: "models", Timeouts: framework.Timeouts{ManifestScale: 0.1}}
	adapts, err := p.Adapt(m, in)
	if err != nil {
		t.Fatal(err)
	}

	ranker, embedder := m.Deployments[0].Spec.Template.Spec.Containers[0], m.Deployments[1].Spec.Template.Spec.Containers[0]
	for _, c := range []corev1.Container{ranker, embedder} {
		if c.Image != DefaultInferenceImage || c.ImagePullPolicy != corev1.PullNever {
			t.Errorf("container %s: image %s pull %s, want %s never pulled", c.Name, c.Image, c.ImagePullPolicy, DefaultInferenceImage)
		}
		for _, want := range []string{"--s3-endpoint=http://172.18.0.1:4321", "--region=us-east1", "--model-bucket=models", "--pod=$(GAMEDAY_POD)"} {
			if !slices.Contains(c.Args, want) {
				t.Errorf("container %s args %v lack %s", c.Name, c.Args, want)
			}
		}
	}
	if !slices.Contains(ranker.Args, "--listen=:8000") || !slices.Contains(embedder.Args, "--listen=:9090") {
		t.Errorf("listen ports: ranker %v, embedder %v; want :8000 (its container port) and :9090 (its probe's port)", ranker.Args, embedder.Args)
	}
	if _, ok := ranker.Resources.Requests[corev1.ResourceCPU]; ok {
		t.Errorf("ranker keeps its cpu request: %v", ranker.Resources.Requests)
	}
	if _, ok := ranker.Resources.Limits[corev1.ResourceMemory]; ok {
		t.Errorf("ranker keeps its memory limit: %v", ranker.Resources.Limits)
	}
	if q := ranker.Resources.Limits[gpu]; q.Value() != 1 {
		t.Errorf("ranker's GPU limit is %v, want 1 kept", q.String())
	}
	if got := embedder.ReadinessProbe; got.InitialDelaySeconds != 3 || got.PeriodSeconds != 1 {
		t.Errorf("embedder readiness probe delay %d period %d, want 3 and 1 (scaled by 0.1)", got.InitialDelaySeconds, got.PeriodSeconds)
	}
	if got := embedder.LivenessProbe; got.InitialDelaySeconds != 6 || got.PeriodSeconds != 2 {
		t.Errorf("embedder liveness probe delay %d period %d, want 6 and 2", got.InitialDelaySeconds, got.PeriodSeconds)
	}
	var secrets []string
	for _, s := range m.Secrets {
		secrets = append(secrets, s.Namespace+"/"+s.Name)
		if s.StringData["accessKey"] != "ak" || s.StringData["secretKey"] != "sk" {
			t.Errorf("secret %s holds %v", s.Name, s.StringData)
		}
	}
	slices.Sort(secrets)
	if want := []string{"recsys/" + StorageSecret, "serving/" + StorageSecret}; !slices.Equal(secrets, want) {
		t.Errorf("secrets %v, want one per namespace %v", secrets, want)
	}
	var changes []string
	for _, a := range adapts {
		changes = append(changes, a.Object+": "+a.Change)
	}
	all := strings.Join(changes, "\n")
	for _, want := range []string{"Deployment/ranker: container server runs gameday/inference-sim:dev on port 8000 instead of registry.example.com/ranker:2",
		"Deployment/ranker: container server: cpu and memory requests and limits removed", "probe timings scaled by 0.1"} {
		if !strings.Contains(all, want) {
			t.Errorf("adaptations lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "Deployment/embedder: container inference: cpu and memory") {
		t.Errorf("an adaptation says cpu and memory were removed from a container that had none:\n%s", all)
	}
}

func TestAdaptRefusesWhatItCannotRun(t *testing.T) {
	p, err := New(Config{Dir: t.TempDir(), Env: "unit"})
	if err != nil {
		t.Fatal(err)
	}
	named := corev1.Container{Name: "c", ReadinessProbe: httpProbe(intstr.FromString("serving"), 1, 1)}
	m := &platform.Manifests{Deployments: []*appsv1.Deployment{deployment("ns", "d", named)}}
	if _, err := p.Adapt(m, provider.AdaptInput{Region: "r", StorageURL: "http://h:1"}); !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), `"serving"`) {
		t.Errorf("a probe on a named port no container declares: err %v, want ErrInvalid naming the port", err)
	}
	if _, err := p.Adapt(&platform.Manifests{}, provider.AdaptInput{Region: "r"}); !errors.Is(err, framework.ErrInvalid) {
		t.Errorf("no storage URL: err %v, want ErrInvalid", err)
	}
}
