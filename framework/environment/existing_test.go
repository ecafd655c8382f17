package environment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
)

// foreignAPI answers /version and lists a node in every zone.
func foreignAPI(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/version":
			_, _ = w.Write([]byte(`{"gitVersion":"v1.37.2"}`))
		case "/api/v1/nodes":
			_ = json.NewEncoder(w).Encode(corev1.NodeList{TypeMeta: metav1.TypeMeta{Kind: "NodeList", APIVersion: "v1"},
				Items: []corev1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "n"}}}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func existingTopology(t *testing.T, server string) string {
	cfg := clientcmdapi.NewConfig()
	for _, c := range []string{"east", "west"} {
		cfg.Clusters[c] = &clientcmdapi.Cluster{Server: server}
		cfg.AuthInfos[c] = &clientcmdapi.AuthInfo{Token: "t"}
		cfg.Contexts[c] = &clientcmdapi.Context{Cluster: c, AuthInfo: c}
	}
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, kc); err != nil {
		t.Fatal(err)
	}
	topo := filepath.Join(dir, "staging.yaml")
	doc := fmt.Sprintf(`apiVersion: gameday.io/v1alpha1
kind: Topology
metadata: {name: staging}
existing:
  url: http://127.0.0.1:1
  allowContexts: [west]
regions:
- name: us-east1
  role: primary
  cluster: {kubeconfig: %[1]s, context: east}
  zones: [{name: us-east1-a}]
- name: europe-west1
  role: dr
  cluster: {kubeconfig: %[1]s, context: west}
  zones: [{name: europe-west1-a}]
`, kc)
	if err := os.WriteFile(topo, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return topo
}

func TestUpAdoptsExistingClusters(t *testing.T) {
	store := Store{Root: t.TempDir()}
	topo := existingTopology(t, foreignAPI(t).URL)
	rec, err := Up(context.Background(), store, Options{Name: "staging", TopologyFile: topo, AllowContexts: []string{"east"}, BinDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Provider != provider.Existing || rec.CreatedByGameday || rec.URL != "http://127.0.0.1:1" || rec.AgentURL != "" {
		t.Fatalf("record %+v: want provider existing, not created by gameday, the topology's URL, no agent", rec.Environment)
	}
	if rec.Regions[0].Context != "east" || rec.Regions[1].Context != "west" {
		t.Errorf("contexts %q %q", rec.Regions[0].Context, rec.Regions[1].Context)
	}
	e, err := Open(store, "staging", nil)
	if err != nil {
		t.Fatal(err)
	}
	tgt := e.FaultTarget(FaultOptions{})
	if tgt.ChaosMesh == nil || tgt.Agent != nil {
		t.Errorf("fault target: Chaos Mesh %v, agent %v; want Chaos Mesh and no agent", tgt.ChaosMesh != nil, tgt.Agent)
	}
	if !slices.Contains(tgt.Guard.AllowContexts, "east") || !slices.Contains(tgt.Guard.AllowContexts, "west") {
		t.Errorf("allow-list %v, want the command line's east and the topology's west", tgt.Guard.AllowContexts)
	}
	if err := tgt.Guard.CheckEnvironment(tgt.Env); err != nil {
		t.Errorf("both contexts allow-listed, yet: %v", err)
	}
}

func TestUpRefusesProviderTopologyMismatch(t *testing.T) {
	topo := existingTopology(t, "http://127.0.0.1:1")
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"sim with an existing topology", Options{TopologyFile: topo, Provider: "sim"}, "use --provider existing, not sim"},
		{"existing without clusters", Options{Provider: provider.Existing}, "--provider existing needs a topology naming each region's cluster"},
		{"monitoring", Options{TopologyFile: topo, Monitoring: true}, "--monitoring: on existing clusters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := Store{Root: t.TempDir()}
			c.o.Name, c.o.BinDir = "x", t.TempDir()
			_, err := Up(context.Background(), store, c.o)
			if !errors.Is(err, framework.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Up = %v, want ErrInvalid saying %q", err, c.want)
			}
			if list, _ := store.List(); len(list) > 0 {
				t.Errorf("a refused up recorded %v", list)
			}
		})
	}
}
