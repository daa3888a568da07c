package calico

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// cluster answers discovery for the groups it serves; asked records what was asked.
type cluster struct {
	groups map[string]groupState
	asked  []string
	err    error
}

func (c *cluster) probe(group string) (groupState, error) {
	c.asked = append(c.asked, group)
	return c.groups[group], c.err
}

func TestPickAPIGroup(t *testing.T) {
	withServer := map[string]groupState{APIGroupV3: groupServed, APIGroupCRDV1: groupServed}
	v1Only := map[string]groupState{APIGroupCRDV1: groupServed}
	v3Only := map[string]groupState{APIGroupV3: groupServed}
	serverDown := map[string]groupState{APIGroupV3: groupUnavailable, APIGroupCRDV1: groupServed}
	cases := []struct {
		name    string
		setting string
		groups  map[string]groupState
		want    string
		wantErr error
		asked   []string
	}{
		{"auto prefers v3 when served", "", withServer, APIGroupV3, nil, []string{APIGroupV3}},
		{"auto takes v1 without v3", APIGroupAuto, v1Only, APIGroupCRDV1, nil, []string{APIGroupV3, APIGroupCRDV1}},
		{"auto takes native v3 CRDs", APIGroupAuto, v3Only, APIGroupV3, nil, []string{APIGroupV3}},
		{"auto with nothing", APIGroupAuto, nil, "", ErrCalicoNotInstalled, []string{APIGroupV3, APIGroupCRDV1}},
		{"auto with the API server down", APIGroupAuto, serverDown, "", ErrCalicoAPIUnavailable, []string{APIGroupV3}},
		{"forced v3, served", APIGroupV3, withServer, APIGroupV3, nil, []string{APIGroupV3}},
		{"forced v3, absent", APIGroupV3, v1Only, "", ErrAPIGroupNotServed, []string{APIGroupV3}},
		{"forced v1, served beside v3", APIGroupCRDV1, withServer, APIGroupCRDV1, nil, []string{APIGroupCRDV1}},
		{"forced v1, absent", APIGroupCRDV1, v3Only, "", ErrAPIGroupNotServed, []string{APIGroupCRDV1}},
		{"unknown setting", "projectcalico.org/v2", withServer, "", ErrInvalidConfig, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &cluster{groups: tc.groups}
			got, err := pickAPIGroup(tc.setting, c.probe)
			if got != tc.want || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("pickAPIGroup(%q) = %q, %v; want %q, %v", tc.setting, got, err, tc.want, tc.wantErr)
			}
			if !slices.Equal(c.asked, tc.asked) {
				t.Errorf("asked about %v, want %v", c.asked, tc.asked)
			}
		})
	}
}

func TestPickAPIGroupDiscoveryError(t *testing.T) {
	refused := errors.New("connection refused")
	c := &cluster{err: refused}
	if _, err := pickAPIGroup(APIGroupAuto, c.probe); !errors.Is(err, refused) {
		t.Fatalf("got %v, want the discovery error", err)
	}
}

// The kubeconfig handed to Calico's library describes the same connection as the provider's
// client configuration.
func TestInlineKubeconfig(t *testing.T) {
	proxy, _ := url.Parse("http://proxy.example:3128")
	in := &rest.Config{
		Host:            "https://10.0.0.1:6443",
		BearerToken:     "secret-token",
		BearerTokenFile: "/var/run/token",
		TLSClientConfig: rest.TLSClientConfig{
			ServerName: "api.internal", CAData: []byte("CA"), CertData: []byte("CERT"), KeyData: []byte("KEY"),
		},
		ExecProvider: &clientcmdapi.ExecConfig{APIVersion: "client.authentication.k8s.io/v1", Command: "aws", Args: []string{"eks", "get-token"}},
		Proxy:        http.ProxyURL(proxy),
	}
	b, err := inlineKubeconfig(in)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := clientcmd.NewClientConfigFromBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cc.ClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	if out.Host != in.Host || out.BearerToken != in.BearerToken || out.BearerTokenFile != in.BearerTokenFile ||
		out.ServerName != in.ServerName || string(out.CAData) != "CA" || string(out.CertData) != "CERT" || string(out.KeyData) != "KEY" {
		t.Errorf("connection differs:\n in: %+v\nout: %+v", in, out)
	}
	if out.ExecProvider == nil || out.ExecProvider.Command != "aws" || !slices.Equal(out.ExecProvider.Args, in.ExecProvider.Args) ||
		out.ExecProvider.InteractiveMode != clientcmdapi.NeverExecInteractiveMode {
		t.Errorf("exec plugin differs: %+v", out.ExecProvider)
	}
	if out.Proxy == nil {
		t.Fatal("proxy lost")
	}
	if got, _ := out.Proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "10.0.0.1:6443"}}); got == nil || got.String() != proxy.String() {
		t.Errorf("proxy = %v, want %v", got, proxy)
	}
}

// Errors about Calico's objects name the datastore's path; errors about Kubernetes Nodes do
// not name it: they are core objects.
func TestErrorsNameTheirAPIGroup(t *testing.T) {
	cn := newConnection(pathOnly(APIGroupCRDV1), nil)
	var e *Error
	if err := cn.objects[BGPPeers.Name].classify(context.Background(), errors.New("boom"), OpRead, "p"); !errors.As(err, &e) || e.APIGroup != APIGroupCRDV1 || e.Kind != "BGPPeer" {
		t.Errorf("a BGPPeer error = %#v, want the kind BGPPeer on %q", err, APIGroupCRDV1)
	}
	nodes := newKubeNodeStore(&coreClient{}, location{group: APIGroupCRDV1})
	if err := nodes.nodes.classify(context.Background(), errors.New("boom"), OpRead, "n"); !errors.As(err, &e) || e.APIGroup != "" || e.Kind != "Node" {
		t.Errorf("a Node error = %#v, want the kind Node on the core API (\"\")", err)
	}
}

// pathOnly is a datastore that names its path and has no objects.
type pathOnly string

func (p pathOnly) location() location          { return location{group: string(p)} }
func (pathOnly) stored(string) storedObjects   { return nil }
func (pathOnly) objects(kindEntry) objectStore { return nil }
func (pathOnly) nodes() nodeStore              { return nil }

// Whatever error a datastore's client returns once the caller's context is canceled (etcd's
// reports a failed handshake), the failure is an interruption, and says nothing of the
// datastore's health.
func TestCanceledOperationIsAnInterruption(t *testing.T) {
	cn := newConnection(pathOnly(APIGroupCRDV1), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := cn.objects[BGPPeers.Name].classify(ctx, errors.New(`context deadline exceeded: connection error: desc = "transport: authentication handshake failed: context canceled"`), OpRead, "p")
	if !errors.Is(err, ErrInterrupted) {
		t.Errorf("a failure after cancellation = %v, want ErrInterrupted", err)
	}
	if err := cn.objects[BGPPeers.Name].classify(context.Background(), errors.New("boom"), OpRead, "p"); errors.Is(err, ErrInterrupted) {
		t.Errorf("a failure of a live context = %v, want no interruption", err)
	}
}
