package topology

import (
	"fmt"
	"net/url"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/yamldoc"
)

// Defaults for node fields no level sets.
const (
	DefaultCPU    = "32"
	DefaultMemory = "256Gi"
	DefaultPods   = 110
	// MaxNodesPerZone bounds a zone so a typo cannot ask for a million nodes.
	MaxNodesPerZone = 5000
)

type validator struct {
	*yamldoc.Checker
}

func (v *validator) fail(path, format string, args ...any) { v.Fail(path, format, args...) }

func (v *validator) name(path, name string) {
	if name == "" {
		v.fail(path, "is required")
		return
	}
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		v.fail(path, "%q is not a valid name: %s", name, strings.Join(errs, "; "))
	}
}

func (v *validator) topology(t *Topology) {
	if t.APIVersion != APIVersion {
		v.fail("apiVersion", "must be %s, got %q", APIVersion, t.APIVersion)
	}
	if t.Kind != Kind {
		v.fail("kind", "must be %s, got %q", Kind, t.Kind)
	}
	v.name("metadata.name", t.Metadata.Name)
	if t.Node.CPU == "" {
		t.Node.CPU = DefaultCPU
	}
	if t.Node.Memory == "" {
		t.Node.Memory = DefaultMemory
	}
	if t.Node.Pods == nil {
		p := DefaultPods
		t.Node.Pods = &p
	}
	if t.Node.GPUs == nil {
		g := 0
		t.Node.GPUs = &g
	}
	v.node("node", t.Node)
	if len(t.Regions) == 0 {
		v.fail("regions", "at least one region is required")
	}
	regions, zones, primaries := map[string]bool{}, map[string]bool{}, 0
	for i, r := range t.Regions {
		rp := fmt.Sprintf("regions[%d]", i)
		v.name(rp+".name", r.Name)
		if regions[r.Name] {
			v.fail(rp+".name", "region %q is listed twice", r.Name)
		}
		regions[r.Name] = true
		switch r.Role {
		case framework.RolePrimary:
			primaries++
		case framework.RoleDR:
		default:
			v.fail(rp+".role", "must be %s or %s, got %q", framework.RolePrimary, framework.RoleDR, r.Role)
		}
		v.node(rp+".node", r.Node)
		if len(r.Zones) == 0 {
			v.fail(rp+".zones", "region %q needs at least one zone", r.Name)
		}
		for j, z := range r.Zones {
			zp := fmt.Sprintf("%s.zones[%d]", rp, j)
			v.name(zp+".name", z.Name)
			if zones[z.Name] {
				v.fail(zp+".name", "zone %q is listed twice", z.Name)
			}
			zones[z.Name] = true
			if r.Cluster != nil {
				if z.Nodes != 0 {
					v.fail(zp+".nodes", "must be omitted for an existing cluster (its nodes are found by their %s label), got %d", LabelZone, z.Nodes)
				}
			} else if z.Nodes < 1 || z.Nodes > MaxNodesPerZone {
				v.fail(zp+".nodes", "must be between 1 and %d, got %d", MaxNodesPerZone, z.Nodes)
			}
			v.node(zp+".node", z.Node)
			if eff := z.Node.merge(r.Node.merge(t.Node)); eff.GPUs != nil && *eff.GPUs > 0 && eff.GPUProduct == "" {
				v.fail(zp+".node.gpuProduct", "is required when gpus > 0 (set it at the top, region or zone level)")
			}
		}
	}
	if len(t.Regions) > 0 && primaries != 1 {
		v.fail("regions", "exactly one region must have role %s, found %d", framework.RolePrimary, primaries)
	}
	v.storage(t.Storage)
	v.existing(t)
}

// existing checks the fields of existing clusters: every region names its
// cluster context exactly when the topology has an existing section, and
// clients' URL is an http(s) URL.
func (v *validator) existing(t *Topology) {
	named := 0
	for i, r := range t.Regions {
		if r.Cluster == nil {
			if r.StorageEndpoint != "" {
				v.fail(fmt.Sprintf("regions[%d].storageEndpoint", i), "is only for an existing cluster (set regions[%d].cluster)", i)
			}
			continue
		}
		named++
		if r.Cluster.Context == "" {
			v.fail(fmt.Sprintf("regions[%d].cluster.context", i), "is required: the kubeconfig context of region %q's cluster", r.Name)
		}
		if r.StorageEndpoint != "" {
			v.url(fmt.Sprintf("regions[%d].storageEndpoint", i), r.StorageEndpoint)
		}
	}
	switch {
	case t.Existing == nil && named > 0:
		v.fail("existing", "is required when regions name their cluster: existing.url is where clients call the platform")
	case t.Existing != nil && named < len(t.Regions):
		v.fail("regions", "every region of an existing topology names its cluster (cluster.context): %d of %d do", named, len(t.Regions))
	}
	if t.Existing == nil {
		return
	}
	if t.Existing.URL == "" {
		v.fail("existing.url", "is required: the global URL clients call the platform at")
	} else {
		v.url("existing.url", t.Existing.URL)
	}
	for i, c := range t.Existing.AllowContexts {
		if c == "" {
			v.fail(fmt.Sprintf("existing.allowContexts[%d]", i), "is empty")
		}
	}
}

// url checks an http(s) URL with a host.
func (v *validator) url(path, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.fail(path, "%q is not an http(s) URL with a host", s)
	}
}

// storage checks the bucket names: both or neither, DNS names of 3 to 63
// characters (S3's rule), different from each other.
func (v *validator) storage(s Storage) {
	if s == (Storage{}) {
		return
	}
	for field, b := range map[string]string{"storage.modelBucket": s.ModelBucket, "storage.backupBucket": s.BackupBucket} {
		switch {
		case b == "":
			v.fail(field, "is required when the other bucket is set")
		case len(b) < 3 || len(b) > 63:
			v.fail(field, "%q must be 3 to 63 characters long", b)
		case len(validation.IsDNS1123Subdomain(b)) > 0:
			v.fail(field, "%q is not a valid bucket name: %s", b, strings.Join(validation.IsDNS1123Subdomain(b), "; "))
		}
	}
	if s.ModelBucket != "" && s.ModelBucket == s.BackupBucket {
		v.fail("storage.backupBucket", "must differ from storage.modelBucket %q: a backup into the bucket it copies protects nothing", s.ModelBucket)
	}
}

// node validates the fields a level sets; path names the level.
func (v *validator) node(path string, s NodeSpec) {
	if s.GPUs != nil && *s.GPUs < 0 {
		v.fail(path+".gpus", "must not be negative, got %d", *s.GPUs)
	}
	if errs := validation.IsValidLabelValue(s.GPUProduct); s.GPUProduct != "" && len(errs) > 0 {
		v.fail(path+".gpuProduct", "%q is not a valid label value: %s", s.GPUProduct, strings.Join(errs, "; "))
	}
	for field, q := range map[string]string{"cpu": s.CPU, "memory": s.Memory} {
		if q == "" {
			continue
		}
		qty, err := resource.ParseQuantity(q)
		if err != nil {
			v.fail(path+"."+field, "%q is not a quantity", q)
		} else if qty.Sign() <= 0 {
			v.fail(path+"."+field, "must be positive, got %q", q)
		}
	}
	if s.Pods != nil && *s.Pods < 1 {
		v.fail(path+".pods", "must be at least 1, got %d", *s.Pods)
	}
}
