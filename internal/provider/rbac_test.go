package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// A token bound only to the documented crd.projectcalico.org ClusterRole applies, refreshes
// and destroys a peer on the v1 path.
func TestAccProvider_crdV1RBAC(t *testing.T) {
	env := acctest.RequireKubernetes(t)
	if env.Mode == testenv.ModeV3CRDs {
		t.Skip("this mode has no crd.projectcalico.org/v1")
	}
	inlineOnly(t)
	acctest.BindDocumentedRole(t, "crd-projectcalico-v1.yaml", "")
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
