package datasources_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// designsFile holds the designs; internal/bgp's unit test computes the same sessions from it
// without confd.
const designsFile = "../bgp/testdata/designs.yaml"

// comparedSession is what both confd's BIRD configuration and the data source say of a session.
type comparedSession struct {
	PeerIP   string
	Port     int
	AS       uint32
	RRClient bool
	Passive  bool
}

// The topology data source returns, for every node, the sessions Calico's own confd writes into
// BIRD's configuration for that node, on the designs of designsFile; confd's are the ones the
// file lists.
func TestAccBGPTopology_matchesConfd(t *testing.T) {
	acctest.RequireConfd(t)
	designs, err := bgp.LoadDesigns(designsFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range designs {
		t.Run(c.Name, func(t *testing.T) { checkTopologyAgainstConfd(t, c) })
	}
}

func checkTopologyAgainstConfd(t *testing.T, c bgp.Design) {
	calico := acctest.Calico(t)
	for _, n := range c.Nodes {
		acctest.CreateNode(t, n.Name, n.Labels, n.Annotations())
	}
	acctest.Delete(t, calico.BGPConfigurations(), "default")
	for _, cfg := range c.Configs {
		acctest.Create(t, calico.BGPConfigurations(), &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: cfg.Name}, Spec: cfg.Spec})
	}
	for _, p := range c.Peers {
		acctest.Create(t, calico.BGPPeers(), &v3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: p.Name}, Spec: p.Spec})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "calico_bgp_topology" "t" {}
output "nodes" { value = jsonencode(data.calico_bgp_topology.t.nodes) }`,
			Check: func(s *terraform.State) error {
				var nodes map[string]struct {
					Sessions []struct {
						PeerIP   string `json:"peer_ip"`
						PeerPort *int   `json:"peer_port"`
						PeerAS   uint32 `json:"peer_as_number"`
						RRClient bool   `json:"route_reflector_client"`
						Passive  bool   `json:"passive"`
					} `json:"sessions"`
				}
				if err := json.Unmarshal([]byte(s.RootModule().Outputs["nodes"].Value.(string)), &nodes); err != nil {
					return err
				}
				for _, n := range c.Nodes {
					v4, v6, err := acctest.BIRDSessions(t, n.Name)
					if err != nil {
						return err
					}
					want := fromBIRD(append(v4, v6...))
					var got []comparedSession
					for _, s := range nodes[n.Name].Sessions {
						port := 0
						if s.PeerPort != nil {
							port = *s.PeerPort
						}
						got = append(got, comparedSession{s.PeerIP, port, s.PeerAS, s.RRClient, s.Passive})
					}
					sortSessions(got)
					if diff := cmp.Diff(want, got); diff != "" {
						return fmt.Errorf("node %s: the data source's sessions against confd's (-confd +data source):\n%s", n.Name, diff)
					}
					var designed []comparedSession
					for _, s := range c.Sessions[n.Name] {
						designed = append(designed, comparedSession{s.PeerIP, int(s.PeerPort), s.PeerAS, s.RouteReflectorClient, s.Passive})
					}
					sortSessions(designed)
					if diff := cmp.Diff(designed, want, cmpopts.EquateEmpty()); diff != "" {
						return fmt.Errorf("node %s: confd's sessions against the design's in %s (-design +confd):\n%s", n.Name, designsFile, diff)
					}
				}
				return nil
			},
		}},
	})
}

func fromBIRD(sessions []testenv.BIRDSession) []comparedSession {
	var out []comparedSession
	for _, s := range sessions {
		out = append(out, comparedSession{s.PeerIP, s.Port, s.AS, s.RRClient, s.Passive})
	}
	sortSessions(out)
	return out
}

func sortSessions(s []comparedSession) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].PeerIP != s[j].PeerIP {
			return s[i].PeerIP < s[j].PeerIP
		}
		return s[i].Port < s[j].Port
	})
}

// A node selector narrows the nodes shown, not the sessions computed: the selected node's mesh
// sessions with the others are all there, and the count is its own.
func TestAccBGPTopology_nodeSelector(t *testing.T) {
	acctest.Delete(t, acctest.Calico(t).BGPConfigurations(), "default") // the mesh on, as Calico's default
	for i, name := range []string{"acc-topo-sel-a", "acc-topo-sel-b", "acc-topo-sel-c"} {
		acctest.CreateNode(t, name, map[string]string{"acc-topo-sel": name}, map[string]string{
			"projectcalico.org/IPv4Address": fmt.Sprintf("192.0.2.%d/24", 61+i)})
	}
	config := `
data "calico_bgp_topology" "one" {
  node_selector = "acc-topo-sel == 'acc-topo-sel-a'"
}
output "nodes" { value = join(",", keys(data.calico_bgp_topology.one.nodes)) }
output "peers" { value = [for s in data.calico_bgp_topology.one.nodes["acc-topo-sel-a"].sessions : s.peer_node if s.peer_node != null] }
`
	check := resource.ComposeTestCheckFunc(
		resource.TestCheckOutput("nodes", "acc-topo-sel-a"),
		resource.TestCheckResourceAttr("data.calico_bgp_topology.one", "node_selector", "acc-topo-sel == 'acc-topo-sel-a'"),
		func(s *terraform.State) error {
			attrs := s.RootModule().Resources["data.calico_bgp_topology.one"].Primary.Attributes
			if attrs["session_count"] != attrs["nodes.acc-topo-sel-a.sessions.#"] {
				return fmt.Errorf("session_count %s, want the selected node's %s", attrs["session_count"], attrs["nodes.acc-topo-sel-a.sessions.#"])
			}
			peers := s.RootModule().Outputs["peers"].Value.([]any)
			for _, want := range []string{"acc-topo-sel-b", "acc-topo-sel-c"} {
				if !slices.Contains(peers, any(want)) {
					return fmt.Errorf("the selected node's sessions %v lack its mesh session with %s", peers, want)
				}
			}
			return nil
		},
	)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, Check: check}},
	})
}
