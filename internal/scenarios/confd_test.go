package scenarios_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// expectSessions checks, with Calico's confd as the judge, the IPv4 BGP sessions a node's BIRD
// would have.
func expectSessions(t *testing.T, node string, want []testenv.BIRDSession) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, _, err := acctest.BIRDSessions(t, node)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			return fmt.Errorf("confd's sessions of node %s (-want +got):\n%s", node, diff)
		}
		return nil
	}
}

// What the provider writes makes the sessions the design asks for, as calico-node's confd
// derives them: first the full mesh, then, with a route reflector and the mesh off, sessions
// to the reflector only, with the reflector treating the others as its clients; a ToR peer of
// the reflector alone. internal/bgp/testdata/designs.yaml holds these objects and sessions too
// ("the confd scenario's ..."), for go test to compute without confd.
func TestAccConfd_sessionsOfWhatTheProviderWrote(t *testing.T) {
	acctest.RequireConfd(t)
	nodes := map[string]string{"confd-node1": "10.30.0.1", "confd-node2": "10.30.0.2", "confd-node3": "10.30.0.3"}
	for name, ip := range nodes {
		acctest.CreateNode(t, name, map[string]string{"rack": "r1"}, map[string]string{"projectcalico.org/IPv4Address": ip + "/24"})
	}
	acctest.Delete(t, acctest.Calico(t).BGPConfigurations(), "default")
	mesh := func(self string) []testenv.BIRDSession {
		var s []testenv.BIRDSession
		for _, name := range []string{"confd-node1", "confd-node2", "confd-node3"} {
			if ip := nodes[name]; name != self {
				// The node with the lower address waits for the other to connect.
				s = append(s, testenv.BIRDSession{Protocol: "Mesh_10_30_0_" + ip[len(ip)-1:], PeerIP: ip, AS: 64512, Passive: nodes[self] < ip})
			}
		}
		return s
	}
	// No calico-node runs here to report sessions: confd judges the objects, so the check before
	// the mesh goes off is turned off.
	reflected := `
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  as_number                 = 64512
  mesh_disable_check        = { min_established_sessions = 0 }
}
resource "calico_node_rr" "rr" {
  node       = "confd-node1"
  cluster_id = "244.0.0.1"
}
resource "calico_bgp_peer" "to_rr" {
  name          = "confd-to-rr"
  node_selector = "!has(route-reflector)"
  peer_selector = "route-reflector == 'true'"
}
resource "calico_bgp_peer" "tor" {
  name          = "confd-tor"
  node_selector = "route-reflector == 'true'"
  peer_ip       = "10.30.0.254"
  as_number     = 65001
}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "calico_bgp_configuration" "default" {
  name      = "default"
  as_number = 64512
}`,
			Check: resource.ComposeTestCheckFunc(expectSessions(t, "confd-node1", mesh("confd-node1")), expectSessions(t, "confd-node3", mesh("confd-node3"))),
		}, {
			Config: reflected,
			Check: resource.ComposeTestCheckFunc(
				expectSessions(t, "confd-node1", []testenv.BIRDSession{
					{Protocol: "Node_10_30_0_2", PeerIP: "10.30.0.2", AS: 64512, RRClient: true},
					{Protocol: "Node_10_30_0_254", PeerIP: "10.30.0.254", AS: 65001},
					{Protocol: "Node_10_30_0_3", PeerIP: "10.30.0.3", AS: 64512, RRClient: true},
				}),
				expectSessions(t, "confd-node2", []testenv.BIRDSession{
					{Protocol: "Node_10_30_0_1", PeerIP: "10.30.0.1", AS: 64512},
				}),
			),
		}},
	})
}
