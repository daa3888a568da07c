package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// bindDocumentedRole creates the ClusterRole the provider documentation shows (the file the
// docs include) and binds it, and nothing else, to the test environment's RBAC test user.
func bindDocumentedRole(t *testing.T, file string) {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "examples", "rbac", file))
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(b, &role); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rbac := acctest.Kube(t).RbacV1()
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role.Name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: testenv.RBACTestUser}},
	}
	for _, create := range []func() error{
		func() error { _, err := rbac.ClusterRoles().Create(ctx, &role, metav1.CreateOptions{}); return err },
		func() error {
			_, err := rbac.ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{})
			return err
		},
	} {
		if err := create(); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		_ = rbac.ClusterRoleBindings().Delete(ctx, binding.Name, metav1.DeleteOptions{})
		_ = rbac.ClusterRoles().Delete(ctx, role.Name, metav1.DeleteOptions{})
	})
}

// A token bound only to the documented crd.projectcalico.org ClusterRole applies, refreshes
// and destroys a peer on the v1 path.
func TestAccProvider_crdV1RBAC(t *testing.T) {
	env := kubeCluster(t)
	if env.Mode == testenv.ModeV3CRDs {
		t.Skip("this mode has no crd.projectcalico.org/v1")
	}
	inlineOnly(t)
	bindDocumentedRole(t, "crd-projectcalico-v1.yaml")
	provider := inlineProvider(env.Host, env.RBACToken, caPEM(t), `calico_api_group = "crd.projectcalico.org/v1"`)
	peers := acctest.Calico(t).BGPPeers()
	acctest.Delete(t, peers, "acc-rbac-v1-peer")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(peers, "acc-rbac-v1-peer"),
		Steps: []resource.TestStep{{
			Config: provider + `
resource "calico_bgp_peer" "tor" {
  name      = "acc-rbac-v1-peer"
  peer_ip   = "192.0.2.91"
  as_number = 65091
}`,
			Check: func(*terraform.State) error {
				p, err := peers.Get(context.Background(), "acc-rbac-v1-peer", metav1.GetOptions{})
				if err != nil {
					return err
				}
				if p.Spec.PeerIP != "192.0.2.91" {
					return fmt.Errorf("peerIP on the server = %q", p.Spec.PeerIP)
				}
				return nil
			},
		}},
	})
}
