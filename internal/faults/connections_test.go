package faults_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// One etcd member of three is killed, the first in the endpoint list or another: the apply
// succeeds through the other two, as etcd's quorum allows, and the plan after it is empty.
func TestAccFault_etcdMemberDown(t *testing.T) {
	env := acctest.RequireEtcd(t) // it stops one of the three members of Calico's etcd
	n, prefix := size(300, 40), "fault-member"
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(peersConfig(prefix, n, 0, 65050))})
	ensureServing(t, env)
	member := testenv.EtcdMembers[rand.IntN(len(testenv.EtcdMembers))]
	if err := env.Kill(member); err != nil {
		t.Fatal(err)
	}
	t.Logf("killed %s; endpoints %v", member, env.Etcd.Endpoints)
	took := converge(t, cli, prefix, n)
	report(t, "one etcd member of three down", fmt.Sprintf("apply succeeds through the other two (%s down)", member), took)
}

// The provider's client certificate has expired: each datastore refuses it, and the error says
// what to fix. Nothing is written.
func TestAccFault_expiredClientCertificate(t *testing.T) {
	env := acctest.Cluster(t)
	refusedConnection(t, "expired client certificate", env.CAFile, env.ExpiredCertFile, env.ExpiredKeyFile,
		"Kubernetes API Rejected the Credentials", "etcd TLS Handshake Failed")
}

// The provider trusts the wrong CA (another CA of the cluster's: the front proxy's): the
// server's certificate is not trusted, and the error says so. Nothing is written.
func TestAccFault_wrongCA(t *testing.T) {
	env := acctest.Cluster(t)
	cert, key := env.ExpiredCertFile, env.ExpiredKeyFile // refused before the client's turn
	if env.Etcd != nil {
		cert, key = env.Etcd.CertFile, env.Etcd.KeyFile
	}
	refusedConnection(t, "wrong CA", filepath.Join(env.Dir, "pki", "front-proxy-ca.crt"), cert, key,
		"Kubernetes API Certificate Not Trusted", "etcd TLS Handshake Failed")
}

// refusedConnection applies one peer with the given CA and client certificate and checks that
// the datastore's refusal is the error, with the summary given for the mode.
func refusedConnection(t *testing.T, fault, caFile, certFile, keyFile, wantKube, wantEtcd string) {
	env := acctest.Cluster(t)
	pem := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// A kubeconfig of its own, as a user's: the environment's (KUBE_CONFIG_PATH) has a token.
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: %q, certificate-authority: %q}
users:
- name: u
  user: {client-certificate: %q, client-key: %q}
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`, env.Host, caFile, certFile, keyFile)
	kubeconfigPath := t.TempDir() + "/kubeconfig"
	if err := os.WriteFile(kubeconfigPath, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	provider := fmt.Sprintf(`provider "calico" {
  config_path = %q
}`, kubeconfigPath)
	want := wantKube
	if env.Mode == testenv.ModeEtcd {
		provider = fmt.Sprintf(`provider "calico" {
  datastore_type = "etcdv3"
  etcd {
    endpoints          = %s
    ca_certificate     = %q
    client_certificate = %q
    client_key         = %q
  }
}`, `["`+strings.Join(env.Etcd.Endpoints, `", "`)+`"]`, pem(caFile), pem(certFile), pem(keyFile))
		want = wantEtcd
	}
	prefix := "fault-" + strings.ToLower(strings.ReplaceAll(fault, " ", "-"))
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(fmt.Sprintf(`terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
%s
resource "calico_bgp_peer" "p" {
  name      = "%s-000"
  peer_ip   = "10.201.0.1"
  as_number = "65060"
}
`, provider, prefix))})
	run := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	if err := run.wait(t, 2*requestTimeout+time.Minute); err == nil {
		t.Fatalf("an apply with a %s succeeded", fault)
	}
	errs := run.diagnostics("error")
	if len(errs) == 0 || errs[0].Summary != want {
		t.Fatalf("errors %v, want %q\n%s", run.summaries(), want, run.errorsText())
	}
	if got := storedPeers(t, prefix); len(got) != 0 {
		t.Errorf("stored although refused: %v", got)
	}
	report(t, fault, fmt.Sprintf("refused in %s: %q, nothing written", seconds(run.took), want), 0)
}

// The provider's RBAC is revoked in the middle of an apply: the writes after it fail as
// permission denied, naming the object, within a bound; restored, the next apply converges.
func TestAccFault_rbacRevokedMidApply(t *testing.T) {
	env := acctest.RequireKubernetes(t) // it revokes a Kubernetes RBAC binding
	n, prefix := size(300, 150), "fault-rbac"
	role := "projectcalico-v3.yaml"
	if env.Mode == testenv.ModeCRDv1 {
		role = "crd-projectcalico-v1.yaml"
	}
	bind := acctest.BindDocumentedRole(t, role, "fault-")
	config := fmt.Sprintf(`terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
provider "calico" {
  host                   = %q
  cluster_ca_certificate = %q
  token                  = %q
}
`, env.Host, string(must(os.ReadFile(env.CAFile))), env.RBACToken)
	peers := peersConfig(prefix, n, 0, 65070)
	cli := acctest.NewCLI(t, map[string][]byte{"main.tf": []byte(config + peers[strings.Index(peers, "resource "):])})

	run := startTerraform(t, cli, "apply", "-auto-approve", "-json")
	run.waitStored(t, prefix, n/10, 5*time.Minute)
	revoked := time.Now()
	bind(false)
	if err := run.wait(t, silentBound(n)); err == nil {
		t.Fatalf("the apply succeeded although the provider's RBAC binding was deleted mid-apply")
	}
	failedIn := time.Since(revoked)
	for _, d := range run.diagnostics("error") {
		if d.Summary != "Permission Denied by the Kubernetes API" {
			t.Errorf("%s: %q, want permission denied: %s", d.Address, d.Summary, d.Detail)
		}
	}
	bind(true)
	began := time.Now()
	// Wait for the restored binding to reach the authorizers (the Calico API server caches).
	converge(t, cli, prefix, n)
	report(t, "RBAC revoked mid-apply", "apply fails "+seconds(failedIn)+" after the revocation with Permission "+
		"Denied naming each object; re-apply after restoring it converges", time.Since(began))
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
