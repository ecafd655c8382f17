package chaosmesh

import (
	"fmt"
	"sort"

	chaosv1alpha1 "github.com/chaos-mesh/chaos-mesh/api/v1alpha1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"gameday.io/gameday/framework"
)

// Labels set on every object gameday applies.
const (
	// LabelRun names the gameday run that created the object.
	LabelRun = "gameday.io/run"
	// LabelManagedBy is the standard managed-by label; its value is ManagedBy.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is LabelManagedBy's value on gameday's objects.
	ManagedBy = "gameday"
)

// Group is the Chaos Mesh API group.
var Group = chaosv1alpha1.SchemeGroupVersion

// Kind is a Chaos Mesh kind gameday applies, e.g. "PodChaos".
type Kind string

// The kinds gameday applies. DeleteByLabel and Installed cover all of them.
const (
	PodChaos     Kind = "PodChaos"
	NetworkChaos Kind = "NetworkChaos"
	HTTPChaos    Kind = "HTTPChaos"
	IOChaos      Kind = "IOChaos"
	AWSChaos     Kind = "AWSChaos"
	GCPChaos     Kind = "GCPChaos"
	AzureChaos   Kind = "AzureChaos"
)

// resources maps each kind to its plural resource name (the CRD's spec.names.plural).
var resources = map[Kind]string{
	PodChaos: "podchaos", NetworkChaos: "networkchaos", HTTPChaos: "httpchaos", IOChaos: "iochaos",
	AWSChaos: "awschaos", GCPChaos: "gcpchaos", AzureChaos: "azurechaos",
}

// Kinds returns the kinds gameday applies, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(resources))
	for k := range resources {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Resource returns the kind's GroupVersionResource.
func (k Kind) Resource() (schema.GroupVersionResource, error) {
	r, ok := resources[k]
	if !ok {
		return schema.GroupVersionResource{}, framework.Invalidf("chaos mesh", "kind %q is not one gameday applies (want one of %v)", k, Kinds())
	}
	return Group.WithResource(r), nil
}

// CRDName returns the name of the kind's CustomResourceDefinition, e.g. "podchaos.chaos-mesh.org".
func (k Kind) CRDName() string { return resources[k] + "." + Group.Group }

// Ref names one applied object.
type Ref struct {
	Kind      Kind   `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// String returns "PodChaos ns/name".
func (r Ref) String() string { return fmt.Sprintf("%s %s/%s", r.Kind, r.Namespace, r.Name) }

// scheme knows the Chaos Mesh types, to find the kind of a typed object.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := chaosv1alpha1.AddToScheme(s); err != nil {
		panic(fmt.Sprintf("register chaos mesh types: %v", err)) // a programming error, found by every test
	}
	return s
}()

// kindOf returns the Chaos Mesh kind of a typed object.
func kindOf(obj runtime.Object) (Kind, error) {
	if obj == nil {
		return "", framework.Invalidf("chaos mesh", "nil object")
	}
	gvks, _, err := scheme.ObjectKinds(obj)
	if err != nil || len(gvks) == 0 {
		return "", framework.Invalidf("chaos mesh", "%T is not a Chaos Mesh type", obj)
	}
	k := Kind(gvks[0].Kind)
	if _, err := k.Resource(); err != nil {
		return "", err
	}
	return k, nil
}
