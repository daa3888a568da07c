package resources_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// Rules Calico applies against other objects at write time.

// A new pool must not overlap an existing one: checked at plan time, where the pools can be
// read. Replacing a pool by one overlapping it (a smaller CIDR) is not an overlap.
func TestAccIPPool_overlapCheckedAtPlan(t *testing.T) {
	const existing, name = "acc-overlap-existing", "acc-overlap-new"
	acctest.Delete(t, ipPools(t), name)
	pool := v3.NewIPPool()
	pool.Name = existing
	pool.Spec = v3.IPPoolSpec{CIDR: "10.248.0.0/16", BlockSize: 26, NodeSelector: "all()"}
	acctest.Create(t, ipPools(t), pool)
	config := func(cidr string) string {
		return fmt.Sprintf("resource \"calico_ip_pool\" \"p\" {\n  name = %q\n  cidr = %q\n}\n", name, cidr)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(ipPools(t), name),
		Steps: []resource.TestStep{{
			Config: config("10.248.128.0/17"), PlanOnly: true,
			ExpectError: regexp.MustCompile(`Error: IP Pool Overlaps an Existing Pool\s+with calico_ip_pool\.p,\s+on \S+ line \d+, in resource "calico_ip_pool" "p":\s+\d+:\s+cidr\s*=[\s\S]*acc-overlap-existing`),
		}, {
			Config: config("10.249.0.0/16"),
		}, {
			Config: config("10.249.0.0/17"), // replaces the pool by a part of itself
		}},
	})
}

// A peer's filters must exist when it is written. A filter may be created in the same apply,
// so the plan cannot tell; Calico's error at apply lands on filters.
func TestAccBGPPeer_missingFilterReportedOnFilters(t *testing.T) {
	if acctest.Cluster(t).Mode == testenv.ModeV3CRDs {
		t.Skip("native v3 CRDs do not check references when objects are written")
	}
	const name = "acc-missing-filter"
	acctest.Delete(t, bgpPeers(t), name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "calico_bgp_peer" "p" {
  name      = %q
  peer_ip   = "10.0.0.1"
  as_number = 65001
  filters   = ["acc-no-such-filter"]
}`, name),
			ExpectError: regexp.MustCompile(`Error: Failed to Create BGPPeer\s+with calico_bgp_peer\.p,\s+on \S+ line \d+, in resource "calico_bgp_peer" "p":\s+\d+:\s+filters\s*=`),
		}},
	})
	if err := acctest.Gone(bgpPeers(t), name); err != nil {
		t.Fatal(err)
	}
}
