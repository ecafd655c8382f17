package existing

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"gameday.io/gameday/framework"
	"gameday.io/gameday/framework/provider"
	"gameday.io/gameday/framework/topology"
)

// apiServer answers /version and lists one node labelled with zone "a".
func apiServer(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/version":
			_, _ = w.Write([]byte(`{"gitVersion":"v1.37.2"}`))
		case "/api/v1/nodes":
			list := corev1.NodeList{TypeMeta: metav1.TypeMeta{Kind: "NodeList", APIVersion: "v1"}}
			if r.URL.Query().Get("labelSelector") == topology.LabelZone+"=a" {
				list.Items = []corev1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}}
			}
			_ = json.NewEncoder(w).Encode(list)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// kubeconfig writes a kubeconfig with contexts "staging" (at url, a token)
// and "prod" (elsewhere).
func kubeconfig(t *testing.T, url string) string {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["staging"] = &clientcmdapi.Cluster{Server: url}
	cfg.Clusters["prod"] = &clientcmdapi.Cluster{Server: "https://prod.invalid"}
	cfg.AuthInfos["me"] = &clientcmdapi.AuthInfo{Token: "secret"}
	cfg.Contexts["staging"] = &clientcmdapi.Context{Cluster: "staging", AuthInfo: "me"}
	cfg.Contexts["prod"] = &clientcmdapi.Context{Cluster: "prod", AuthInfo: "me"}
	cfg.CurrentContext = "prod"
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCreateAdoptsOneContext(t *testing.T) {
	s := apiServer(t)
	kc := kubeconfig(t, s.URL)
	p := New(provider.Config{})
	dir := t.TempDir()
	c, err := p.Create(context.Background(), provider.ClusterSpec{Name: "gd-x-r1", Region: "r1", Dir: dir, Zones: []string{"a"},
		Existing: &topology.ClusterRef{Kubeconfig: kc, Context: "staging"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Context != "staging" || c.Kubeconfig != filepath.Join(dir, "kubeconfig") {
		t.Fatalf("cluster %+v", c)
	}
	got, err := clientcmd.LoadFromFile(c.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if got.CurrentContext != "staging" || len(got.Contexts) != 1 || len(got.Clusters) != 1 || got.Clusters["staging"].Server != s.URL {
		t.Fatalf("adopted kubeconfig holds %d contexts, current %q: want only staging", len(got.Contexts), got.CurrentContext)
	}
	if fi, err := os.Stat(c.Kubeconfig); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("kubeconfig with a token is readable by others: %v %v", fi.Mode(), err)
	}
	if err := p.Delete(context.Background(), *c); err != nil {
		t.Errorf("Delete (forget) = %v", err)
	}
}

func TestCreateRefuses(t *testing.T) {
	s := apiServer(t)
	kc := kubeconfig(t, s.URL)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	cases := []struct {
		name string
		ref  *topology.ClusterRef
		zone string
		is   error
		want string
	}{
		{"no context", nil, "a", framework.ErrInvalid, "needs the region's cluster context"},
		{"unknown context", &topology.ClusterRef{Kubeconfig: kc, Context: "dev"}, "a", framework.ErrNotFound, `has no context "dev"`},
		{"zone without nodes", &topology.ClusterRef{Kubeconfig: kc, Context: "staging"}, "b", framework.ErrNotFound, "zone b: no node is labelled topology.kubernetes.io/zone=b"},
		{"unreachable", &topology.ClusterRef{Kubeconfig: kubeconfig(t, down.URL), Context: "staging"}, "a", nil, "does not answer"},
		{"missing file", &topology.ClusterRef{Kubeconfig: "/nonexistent/kubeconfig", Context: "staging"}, "a", nil, "/nonexistent/kubeconfig"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(provider.Config{}).Create(context.Background(), provider.ClusterSpec{Region: "r1", Dir: t.TempDir(), Zones: []string{c.zone}, Existing: c.ref})
			if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
				t.Fatalf("Create = %v, want an error saying %q (is %v)", err, c.want, c.is)
			}
		})
	}
}
