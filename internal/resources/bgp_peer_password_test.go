package resources_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// The password tests keep their Secrets in kube-system, named in the provider block, so that
// they do not depend on which namespaces other tests created.
const passwordNamespace = "kube-system"

// livePeerWithPassword creates, out of band, a peer whose password Secret the provider owns:
// what a peer applied with password_wo looks like after its Terraform state was lost.
func livePeerWithPassword(t *testing.T, name, password string) string {
	t.Helper()
	secretName := "bgp-password-" + name
	secrets := acctest.Kube(t).CoreV1().Secrets(passwordNamespace)
	_ = secrets.Delete(context.Background(), secretName, metav1.DeleteOptions{})
	_, err := secrets.Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: passwordNamespace,
			Labels:      map[string]string{"app.kubernetes.io/managed-by": "terraform-provider-calico"},
			Annotations: map[string]string{"projectcalico.org/bgp-password-for": name}},
		StringData: map[string]string{"password": password},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = secrets.Delete(context.Background(), secretName, metav1.DeleteOptions{}) })
	peer := v3.NewBGPPeer()
	peer.Name = name
	peer.Spec = v3.BGPPeerSpec{PeerIP: "192.0.2.77", ASNumber: 65077, Password: secretRef(secretName, "password")}
	acctest.Create(t, bgpPeers(t), peer)
	return secretName
}

func passwordPeerConfig(name, password string) string {
	return fmt.Sprintf(`
provider "calico" {
  calico_node_namespace = %q
}
resource "calico_bgp_peer" "p" {
  name                = %q
  peer_ip             = "192.0.2.77"
  as_number           = 65077
  password_wo         = %q
  password_wo_version = 1
}`, passwordNamespace, name, password)
}

// A peer whose state was lost is not taken over by a create: the apply fails with "Already
// Exists", and the live peer's password Secret is neither rewritten nor deleted.
func TestAccBGPPeer_lostStateKeepsTheLivePassword(t *testing.T) {
	acctest.RequireKubernetes(t)
	const name = "acc-lost-state-peer"
	secretName := livePeerWithPassword(t, name, "live-S3cret")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      passwordPeerConfig(name, "other-S3cret"),
			ExpectError: regexp.MustCompile(`BGPPeer Already Exists`),
		}},
	})
	if err := expectPassword(t, passwordNamespace, secretName, "live-S3cret")(nil); err != nil {
		t.Fatalf("the live peer's password Secret: %v", err)
	}
	if _, err := bgpPeers(t).Get(context.Background(), name, metav1.GetOptions{}); err != nil {
		t.Fatalf("the live peer: %v", err)
	}
}

// A create that fails writes no Secret: the peer exists (without a password), so nothing may
// be stored under its name.
func TestAccBGPPeer_failedCreateWritesNoSecret(t *testing.T) {
	acctest.RequireKubernetes(t)
	const name = "acc-failed-create-peer"
	secretName := "bgp-password-" + name
	peer := v3.NewBGPPeer()
	peer.Name = name
	peer.Spec = v3.BGPPeerSpec{PeerIP: "192.0.2.78", ASNumber: 65078}
	acctest.Create(t, bgpPeers(t), peer)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      passwordPeerConfig(name, "never-S3cret"),
			ExpectError: regexp.MustCompile(`BGPPeer Already Exists`),
		}},
	})
	if _, err := passwordSecret(t, passwordNamespace, secretName); !apierrors.IsNotFound(err) {
		t.Fatalf("a failed create left a password Secret (err=%v)", err)
	}
}

// Switching from password_wo to password_secret_ref deletes the provider's Secret only once the
// peer no longer refers to it: when the peer cannot be updated, the Secret stays.
func TestAccBGPPeer_passwordSecretOutlivesAFailedSwitch(t *testing.T) {
	acctest.RequireKubernetes(t)
	env := acctest.Cluster(t)
	const name = "acc-switch-peer"
	secretName := "bgp-password-" + name
	acctest.Delete(t, bgpPeers(t), name)
	// rbac-test may read peers and handle Secrets, but not update peers.
	group := map[testenv.Mode]string{testenv.ModeCRDv1: "crd.projectcalico.org"}[env.Mode]
	if group == "" {
		group = "projectcalico.org"
	}
	bindRole(t, []rbacv1.PolicyRule{
		{APIGroups: []string{group}, Resources: []string{"bgppeers"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "create", "update", "delete"}},
		{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get"}},
	})
	ca, err := os.ReadFile(env.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	provider := func(token string) string {
		return fmt.Sprintf("provider \"calico\" {\n  host = %q\n  token = %q\n  calico_node_namespace = %q\n"+
			"  cluster_ca_certificate = <<-EOT\n%sEOT\n}\n", env.Host, token, passwordNamespace, ca)
	}
	withPassword := provider(env.Token) + fmt.Sprintf(`
resource "calico_bgp_peer" "p" {
  name                = %q
  peer_ip             = "192.0.2.79"
  as_number           = 65079
  password_wo         = "switch-S3cret"
  password_wo_version = 1
}`, name)
	withRef := fmt.Sprintf(`
resource "calico_bgp_peer" "p" {
  name                = %q
  peer_ip             = "192.0.2.79"
  as_number           = 65079
  password_secret_ref = { name = "my-bgp-secrets", key = "tor" }
}`, name)
	t.Setenv("KUBE_CONFIG_PATH", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(bgpPeers(t), name),
		Steps: []resource.TestStep{
			{Config: withPassword, Check: expectPassword(t, passwordNamespace, secretName, "switch-S3cret")},
			{
				// A step's Check does not run when its apply fails as expected: what the denied
				// switch left is checked in the next step's PreConfig.
				Config:      provider(env.RBACToken) + withRef,
				ExpectError: regexp.MustCompile(`Permission Denied`),
			},
			{
				PreConfig: func() {
					if err := expectSpec(bgpPeers(t), name, v3.BGPPeerSpec{PeerIP: "192.0.2.79", ASNumber: 65079,
						Password: secretRef(secretName, "password")})(nil); err != nil {
						t.Fatalf("the denied switch changed the peer: %v", err)
					}
					if err := expectPassword(t, passwordNamespace, secretName, "switch-S3cret")(nil); err != nil {
						t.Fatalf("the Secret went before the peer stopped referring to it: %v", err)
					}
				},
				Config: provider(env.Token) + withRef,
				Check: func(*terraform.State) error {
					if _, err := passwordSecret(t, passwordNamespace, secretName); !apierrors.IsNotFound(err) {
						return fmt.Errorf("the provider's Secret was kept after the switch (err=%v)", err)
					}
					return expectSpec(bgpPeers(t), name, v3.BGPPeerSpec{PeerIP: "192.0.2.79", ASNumber: 65079,
						Password: secretRef("my-bgp-secrets", "tor")})(nil)
				},
			},
		},
	})
}

// bindRole binds a ClusterRole with the given rules, and nothing else, to the test
// environment's RBAC test user for the rest of the test.
func bindRole(t *testing.T, rules []rbacv1.PolicyRule) {
	t.Helper()
	ctx := context.Background()
	rbac := acctest.Kube(t).RbacV1()
	name := "acc-" + testenv.RBACTestUser
	_ = rbac.ClusterRoleBindings().Delete(ctx, name, metav1.DeleteOptions{})
	_ = rbac.ClusterRoles().Delete(ctx, name, metav1.DeleteOptions{})
	if _, err := rbac.ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules},
		metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: name},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: testenv.RBACTestUser}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = rbac.ClusterRoleBindings().Delete(ctx, name, metav1.DeleteOptions{})
		_ = rbac.ClusterRoles().Delete(ctx, name, metav1.DeleteOptions{})
	})
}

// Where Calico's objects are in etcd there is no Kubernetes API to keep the Secret in: a
// write-only password fails the plan, on its attribute, and nothing is written.
func TestAccBGPPeer_writeOnlyPasswordNeedsSecrets(t *testing.T) {
	acctest.RequireEtcd(t)
	const name = "acc-etcd-password-peer"
	acctest.Delete(t, bgpPeers(t), name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      passwordPeerConfig(name, "etcd-S3cret"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Error: Datastore Keeps No Kubernetes Secrets.*password_wo_version = 1.*password_secret_ref`),
		}},
	})
	if err := acctest.Gone(bgpPeers(t), name); err != nil {
		t.Fatal(err)
	}
}

// importedPeerConfig imports a live peer by name and sets its password with passwordAttrs.
func importedPeerConfig(name, passwordAttrs string) string {
	return fmt.Sprintf(`
provider "calico" {
  calico_node_namespace = %q
}

import {
  to = calico_bgp_peer.p
  id = %q
}

resource "calico_bgp_peer" "p" {
  name      = %q
  peer_ip   = "192.0.2.77"
  as_number = 65077
  %s
}`, passwordNamespace, name, name, passwordAttrs)
}

// A peer that used password_wo, whose state was lost, is imported and switched to
// password_secret_ref in one apply: the provider's Secret, which no state records any more, is
// deleted, because the Secret itself proves it is the provider's, made for that peer. A Secret
// of that name that names another peer is not proof, and stays.
func TestAccBGPPeer_importedPeerLeavesNoOrphanedSecret(t *testing.T) {
	acctest.RequireKubernetes(t)
	for _, c := range []struct {
		name, madeFor string
		deleted       bool
	}{
		{name: "acc-orphan-peer", deleted: true},
		{name: "acc-orphan-peer-twin", madeFor: "another-peer", deleted: false},
	} {
		t.Run(c.name, func(t *testing.T) {
			secretName := livePeerWithPassword(t, c.name, "old-S3cret")
			if c.madeFor != "" {
				secrets := acctest.Kube(t).CoreV1().Secrets(passwordNamespace)
				s, err := secrets.Get(context.Background(), secretName, metav1.GetOptions{})
				if err != nil {
					t.Fatal(err)
				}
				s.Annotations["projectcalico.org/bgp-password-for"] = c.madeFor
				if _, err := secrets.Update(context.Background(), s, metav1.UpdateOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: importedPeerConfig(c.name, `password_secret_ref = { name = "my-bgp-secrets", key = "tor" }`),
					Check: func(*terraform.State) error {
						_, err := passwordSecret(t, passwordNamespace, secretName)
						switch {
						case c.deleted && !apierrors.IsNotFound(err):
							return fmt.Errorf("the provider's orphaned Secret was kept after the switch (err=%v)", err)
						case !c.deleted && err != nil:
							return fmt.Errorf("a Secret that does not prove it was made for this peer was deleted (err=%v)", err)
						}
						return expectSpec(bgpPeers(t), c.name, v3.BGPPeerSpec{PeerIP: "192.0.2.77", ASNumber: 65077,
							Password: secretRef("my-bgp-secrets", "tor")})(nil)
					},
				}},
			})
		})
	}
}

// An imported peer that still refers to the provider's Secret takes it along when destroyed.
func TestAccBGPPeer_importedPeerDestroyTakesItsSecret(t *testing.T) {
	acctest.RequireKubernetes(t)
	const name = "acc-orphan-destroy-peer"
	secretName := livePeerWithPassword(t, name, "old-S3cret")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := passwordSecret(t, passwordNamespace, secretName); !apierrors.IsNotFound(err) {
				return fmt.Errorf("destroying the imported peer left the provider's Secret (err=%v)", err)
			}
			return acctest.CheckGone(bgpPeers(t), name)(nil)
		},
		Steps: []resource.TestStep{{
			Config: importedPeerConfig(name, fmt.Sprintf(`password_secret_ref = { name = %q, key = "password" }`, secretName)),
			Check:  expectPassword(t, passwordNamespace, secretName, "old-S3cret"),
		}},
	})
}
