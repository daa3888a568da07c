package provider_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// A resource that reads the cluster: an import of a per-node BGPConfiguration that does not
// exist makes the provider connect and report what it found.
func probeConfig(provider string) string {
	return provider + `
resource "calico_bgp_configuration" "probe" {
  name = "node.provider-probe"
}
import {
  to = calico_bgp_configuration.probe
  id = "node.provider-probe"
}
`
}

// inlineOnly hides the harness's KUBE_CONFIG_PATH, so only the provider block configures the
// connection.
func inlineOnly(t *testing.T) {
	t.Setenv("KUBE_CONFIG_PATH", "")
}

// inlineProvider renders a provider block with host, token and (when ca is set) the CA.
func inlineProvider(host, token, ca string, extra ...string) string {
	b := fmt.Sprintf("provider \"calico\" {\n  host  = %q\n  token = %q\n", host, token)
	if ca != "" {
		b += "  cluster_ca_certificate = <<-EOT\n" + ca + "EOT\n"
	}
	for _, e := range extra {
		b += "  " + e + "\n"
	}
	return b + "}\n"
}

func caPEM(t *testing.T) string {
	b, err := os.ReadFile(acctest.Cluster(t).CAFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func expectError(t *testing.T, config string, want *regexp.Regexp) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: want}},
	})
}

// Inline credentials (HCP Terraform style) reach the cluster: the import of a missing object
// fails with "Cannot import non-existent remote object", which only a connected provider says.
func TestAccProvider_inlineCredentials(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	inlineOnly(t)
	config := inlineProvider(env.Host, env.Token, caPEM(t))
	expectError(t, probeConfig(config), regexp.MustCompile(`Cannot import non-existent remote object`))
}

func TestAccProvider_configContent(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	inlineOnly(t)
	kubeconfig, err := os.ReadFile(env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("provider \"calico\" {\n  config_content = <<-EOT\n%sEOT\n}\n", kubeconfig)
	expectError(t, probeConfig(config), regexp.MustCompile(`Cannot import non-existent remote object`))
}

func TestAccProvider_rejectedToken(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	inlineOnly(t)
	config := inlineProvider(env.Host, "not-a-valid-token", caPEM(t))
	expectError(t, probeConfig(config), regexp.MustCompile(`Kubernetes API Rejected the Credentials`))
}

func TestAccProvider_untrustedServerCertificate(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	inlineOnly(t)
	config := inlineProvider(env.Host, env.Token, "")
	expectError(t, probeConfig(config), regexp.MustCompile(`(?s)Kubernetes API Certificate Not Trusted.*cluster_ca_certificate.*x509`))
}

func TestAccProvider_unreachable(t *testing.T) {
	acctest.RequireKubernetes(t)
	inlineOnly(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there any more
	config := inlineProvider("https://"+addr, "x", "", "insecure = true", `request_timeout = "5s"`)
	expectError(t, probeConfig(config), regexp.MustCompile(`(?s)Kubernetes API Unreachable.*connection refused`))
}

// A user the API server knows but RBAC grants nothing to. The error names the path auto chose
// for this cluster, so the user knows which ClusterRole is missing.
func TestAccProvider_forbidden(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	inlineOnly(t)
	config := inlineProvider(env.Host, env.LimitedToken, caPEM(t))
	expectError(t, probeConfig(config), regexp.MustCompile(`(?s)Permission Denied by the Kubernetes API.*through `+
		regexp.QuoteMeta(env.Mode.APIGroup())+`.*Required RBAC`))
}

// Forcing the path the cluster does not have fails with what to set instead.
func TestAccProvider_apiGroupNotServed(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	absent := map[testenv.Mode]string{testenv.ModeCRDv1: "projectcalico.org/v3", testenv.ModeV3CRDs: "crd.projectcalico.org/v1"}[env.Mode]
	if absent == "" {
		t.Skip("the Calico API server mode serves both groups; TestAccProvider_autoWithoutCalicoAPIServer covers it")
	}
	expectError(t, probeConfig(fmt.Sprintf("provider \"calico\" {\n  calico_api_group = %q\n}\n", absent)),
		regexp.MustCompile(`(?s)Calico API Group Not Served.*`+regexp.QuoteMeta(absent)+`.*"auto"`))
}

// CALICO_API_GROUP sets the path as the attribute does.
func TestAccProvider_apiGroupFromEnvironment(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	t.Setenv("CALICO_API_GROUP", env.Mode.APIGroup())
	expectError(t, probeConfig(""), regexp.MustCompile(`Cannot import non-existent remote object`))
	t.Setenv("CALICO_API_GROUP", "projectcalico.org/v2")
	expectError(t, probeConfig(""), regexp.MustCompile(`(?s)Invalid CALICO_API_GROUP.*projectcalico.org/v2`))
}

func TestAccProvider_noCredentials(t *testing.T) {
	acctest.RequireKubernetes(t)
	t.Setenv("KUBE_CONFIG_PATH", "")
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	expectError(t, probeConfig(""), regexp.MustCompile(`No Kubernetes Credentials Found`))
}

func TestAccProvider_missingKubeconfig(t *testing.T) {
	acctest.RequireKubernetes(t)
	expectError(t, probeConfig(`provider "calico" { config_path = "/nonexistent/kubeconfig" }`),
		regexp.MustCompile(`(?s)Invalid Provider Configuration.*/nonexistent/kubeconfig`))
}

// The cluster (or Calico's etcd) is created in the same run: plan must not fail for want of
// credentials.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	acctest.Cluster(t)
	for _, c := range []struct{ name, provider string }{
		{"kubernetes", "provider \"calico\" {\n  host = terraform_data.cluster.output\n}"},
		{"etcd", "provider \"calico\" {\n  datastore_type = \"etcdv3\"\n  etcd {\n    endpoints = [terraform_data.cluster.output]\n  }\n}"},
	} {
		t.Run(c.name, func(t *testing.T) { planWithUnknownProvider(t, c.provider) })
	}
}

func planWithUnknownProvider(t *testing.T, provider string) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "cluster" {
  input = "https://127.0.0.1:1"
}
` + provider + `
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
}`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

// Without the Calico API server (its APIService removed for the duration of this test; make
// test runs packages one at a time), auto falls back to Calico's v1 CRDs and works, while a
// configuration that insists on projectcalico.org/v3 is told it is not served.
func TestAccProvider_autoWithoutCalicoAPIServer(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	if env.Mode != testenv.ModeAPIServer {
		t.Skip("only the Calico API server mode has an APIService to remove")
	}
	dyn, err := dynamic.NewForConfig(env.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	gvr := schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
	ctx := context.Background()
	saved, err := dyn.Resource(gvr).Get(ctx, "v3.projectcalico.org", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := dyn.Resource(gvr).Delete(ctx, saved.GetName(), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		restore := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": saved.GetAPIVersion(), "kind": saved.GetKind(),
			"metadata": map[string]any{"name": saved.GetName()}, "spec": saved.Object["spec"],
		}}
		if _, err := dyn.Resource(gvr).Create(ctx, restore, metav1.CreateOptions{}); err != nil {
			t.Fatalf("restoring the Calico APIService: %v", err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			_, err := dyn.Resource(schema.GroupVersionResource{Group: "projectcalico.org", Version: "v3", Resource: "bgppeers"}).List(ctx, metav1.ListOptions{})
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("projectcalico.org/v3 did not come back: %v", err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	// Discovery answers 404 once the aggregator has dropped the group.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		_, err := dyn.Resource(schema.GroupVersionResource{Group: "projectcalico.org", Version: "v3", Resource: "bgppeers"}).List(ctx, metav1.ListOptions{})
		if err != nil && strings.Contains(err.Error(), "could not find") || time.Now().After(deadline) {
			break
		}
	}
	expectError(t, probeConfig(""), regexp.MustCompile(`Cannot import non-existent remote object`))
	expectError(t, probeConfig(`provider "calico" { calico_api_group = "projectcalico.org/v3" }`),
		regexp.MustCompile(`(?s)Calico API Group Not Served.*projectcalico.org/v3`))
}
