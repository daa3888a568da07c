package datasources_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// topoNode is a node as calico-node would have registered it.
type topoNode struct {
	name, ipv4, ipv6, as, clusterID string
	labels                          map[string]string
}

// topoCase is a design: its nodes, BGPConfigurations and BGPPeers.
type topoCase struct {
	name    string
	nodes   []topoNode
	configs map[string]v3.BGPConfigurationSpec
	peers   map[string]v3.BGPPeerSpec
}

// comparedSession is what both confd's BIRD configuration and the data source say of a session.
type comparedSession struct {
	PeerIP   string
	Port     int
	AS       uint32
	RRClient bool
	Passive  bool
}

var (
	rack1 = map[string]string{"rack": "r1"}
	rr1   = map[string]string{"rack": "r1", "route-reflector": "true"}
	rack2 = map[string]string{"rack": "r2"}
	rr2   = map[string]string{"rack": "r2", "route-reflector": "true"}
	off   = ptr.To(false)
)

func asn(n uint32) *numorstring.ASNumber { a := numorstring.ASNumber(n); return &a }

// The topology data source returns, for every node, the sessions Calico's own confd writes into
// BIRD's configuration for that node, on a dozen designs.
func TestAccBGPTopology_matchesConfd(t *testing.T) {
	acctest.RequireConfd(t)
	meshOff := v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: off, ASNumber: asn(64512)}
	toReflectors := v3.BGPPeerSpec{NodeSelector: "!has(route-reflector)", PeerSelector: "route-reflector == 'true'"}
	cases := []topoCase{{
		name: "full mesh, no BGPConfiguration",
		nodes: []topoNode{{name: "topo-a", ipv4: "10.40.0.1", labels: rack1}, {name: "topo-b", ipv4: "10.40.0.2", labels: rack1},
			{name: "topo-c", ipv4: "10.40.0.10", labels: rack1}},
	}, {
		name:    "full mesh, cluster AS and listen port",
		nodes:   []topoNode{{name: "topo-a", ipv4: "10.40.0.1"}, {name: "topo-b", ipv4: "10.40.0.2"}},
		configs: map[string]v3.BGPConfigurationSpec{"default": {ASNumber: asn(65010), ListenPort: 1790}},
	}, {
		name: "one route reflector",
		nodes: []topoNode{{name: "topo-rr", ipv4: "10.40.0.1", clusterID: "244.0.0.1", labels: rr1},
			{name: "topo-a", ipv4: "10.40.0.2", labels: rack1}, {name: "topo-b", ipv4: "10.40.0.3", labels: rack1}},
		configs: map[string]v3.BGPConfigurationSpec{"default": meshOff},
		peers:   map[string]v3.BGPPeerSpec{"topo-to-rr": toReflectors},
	}, {
		name: "two route reflectors of one cluster, peering with each other",
		nodes: []topoNode{{name: "topo-rr1", ipv4: "10.40.0.1", clusterID: "244.0.0.1", labels: rr1},
			{name: "topo-rr2", ipv4: "10.40.0.2", clusterID: "244.0.0.1", labels: rr1}, {name: "topo-a", ipv4: "10.40.0.3", labels: rack1}},
		configs: map[string]v3.BGPConfigurationSpec{"default": meshOff},
		peers: map[string]v3.BGPPeerSpec{"topo-to-rr": toReflectors,
			"topo-rr-mesh": {NodeSelector: "route-reflector == 'true'", PeerSelector: "route-reflector == 'true'"}},
	}, {
		name: "a route reflector with the mesh still on",
		nodes: []topoNode{{name: "topo-rr", ipv4: "10.40.0.1", clusterID: "244.0.0.1", labels: rr1},
			{name: "topo-a", ipv4: "10.40.0.2", labels: rack1}, {name: "topo-b", ipv4: "10.40.0.3", labels: rack1}},
		peers: map[string]v3.BGPPeerSpec{"topo-to-rr": toReflectors},
	}, {
		name: "leaf-spine, one AS per rack, reflectors peer with their ToR",
		nodes: []topoNode{{name: "topo-r1-rr", ipv4: "10.41.1.1", as: "65101", clusterID: "244.0.1.1", labels: rr1},
			{name: "topo-r1-a", ipv4: "10.41.1.2", as: "65101", labels: rack1},
			{name: "topo-r2-rr", ipv4: "10.41.2.1", as: "65102", clusterID: "244.0.2.1", labels: rr2},
			{name: "topo-r2-a", ipv4: "10.41.2.2", as: "65102", labels: rack2}},
		configs: map[string]v3.BGPConfigurationSpec{"default": meshOff},
		peers: map[string]v3.BGPPeerSpec{
			"topo-r1-to-rr": {NodeSelector: "rack == 'r1' && !has(route-reflector)", PeerSelector: "rack == 'r1' && route-reflector == 'true'"},
			"topo-r2-to-rr": {NodeSelector: "rack == 'r2' && !has(route-reflector)", PeerSelector: "rack == 'r2' && route-reflector == 'true'"},
			"topo-r1-tor":   {NodeSelector: "rack == 'r1' && route-reflector == 'true'", PeerIP: "10.41.1.254", ASNumber: 65001},
			"topo-r2-tor":   {NodeSelector: "rack == 'r2' && route-reflector == 'true'", PeerIP: "10.41.2.254", ASNumber: 65002},
		},
	}, {
		name: "IPv6 and IPv4 mesh, one node without IPv4",
		nodes: []topoNode{{name: "topo-a", ipv4: "10.40.0.1", ipv6: "fd00::1"}, {name: "topo-b", ipv4: "10.40.0.2", ipv6: "fd00::2"},
			{name: "topo-c", ipv6: "fd00::3"}},
	}, {
		name:    "node-specific peer with a port, and a global peer",
		nodes:   []topoNode{{name: "topo-a", ipv4: "10.40.0.1"}, {name: "topo-b", ipv4: "10.40.0.2"}},
		configs: map[string]v3.BGPConfigurationSpec{"default": meshOff},
		peers: map[string]v3.BGPPeerSpec{"topo-a-peer": {Node: "topo-a", PeerIP: "192.0.2.1:1179", ASNumber: 65020},
			"topo-global": {PeerIP: "192.0.2.9", ASNumber: 65021}},
	}, {
		name:    "a global peer that is a Calico node gets the reverse side",
		nodes:   []topoNode{{name: "topo-a", ipv4: "10.40.0.1"}, {name: "topo-b", ipv4: "10.40.0.2"}, {name: "topo-c", ipv4: "10.40.0.3"}},
		configs: map[string]v3.BGPConfigurationSpec{"default": meshOff},
		peers:   map[string]v3.BGPPeerSpec{"topo-to-a": {PeerIP: "10.40.0.1", ASNumber: 64512}},
	}, {
		name: "manual reverse peering",
		nodes: []topoNode{{name: "topo-rr", ipv4: "10.40.0.1", clusterID: "244.0.0.1", labels: rr1},
			{name: "topo-a", ipv4: "10.40.0.2", labels: rack1}},
		configs: map[string]v3.BGPConfigurationSpec{"default": meshOff},
		peers: map[string]v3.BGPPeerSpec{"topo-to-rr": {NodeSelector: "!has(route-reflector)", PeerSelector: "route-reflector == 'true'",
			ReversePeering: ptr.To(v3.ReversePeeringManual)}},
	}, {
		name: "per-node AS numbers in a mesh",
		nodes: []topoNode{{name: "topo-a", ipv4: "10.40.0.1", as: "65030"}, {name: "topo-b", ipv4: "10.40.0.2", as: "65031"},
			{name: "topo-c", ipv4: "10.40.0.3"}},
		configs: map[string]v3.BGPConfigurationSpec{"default": {ASNumber: asn(65032)}},
	}, {
		name:    "per-node listen port",
		nodes:   []topoNode{{name: "topo-a", ipv4: "10.40.0.1"}, {name: "topo-b", ipv4: "10.40.0.2"}},
		configs: map[string]v3.BGPConfigurationSpec{"default": {ListenPort: 1790}, "node.topo-b": {ListenPort: 1791}},
	}, {
		name:    "local AS number of a peer",
		nodes:   []topoNode{{name: "topo-a", ipv4: "10.40.0.1"}},
		configs: map[string]v3.BGPConfigurationSpec{"default": meshOff},
		peers: map[string]v3.BGPPeerSpec{"topo-local-as": {PeerIP: "192.0.2.5", ASNumber: 65040, LocalASNumber: asn(65041)},
			"topo-ibgp-local": {PeerIP: "192.0.2.6", ASNumber: 65041, LocalASNumber: asn(65041)}},
	}, {
		name: "a route reflector and a same-AS peerIP peer",
		nodes: []topoNode{{name: "topo-rr", ipv4: "10.40.0.1", clusterID: "244.0.0.1", labels: rr1},
			{name: "topo-a", ipv4: "10.40.0.2", labels: rack1}},
		configs: map[string]v3.BGPConfigurationSpec{"default": meshOff},
		peers: map[string]v3.BGPPeerSpec{"topo-to-rr": toReflectors,
			"topo-rr-to-switch": {NodeSelector: "route-reflector == 'true'", PeerIP: "10.40.0.254", ASNumber: 64512}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkTopologyAgainstConfd(t, c) })
	}
}

func checkTopologyAgainstConfd(t *testing.T, c topoCase) {
	calico := acctest.Calico(t)
	for _, n := range c.nodes {
		annotations := map[string]string{}
		for key, v := range map[string]string{"projectcalico.org/IPv4Address": n.ipv4 + "/24", "projectcalico.org/IPv6Address": n.ipv6 + "/64",
			"projectcalico.org/ASNumber": n.as, "projectcalico.org/RouteReflectorClusterID": n.clusterID} {
			if v != "" && v != "/24" && v != "/64" {
				annotations[key] = v
			}
		}
		acctest.CreateNode(t, n.name, n.labels, annotations)
	}
	acctest.Delete(t, calico.BGPConfigurations(), "default")
	for name, spec := range c.configs {
		acctest.Delete(t, calico.BGPConfigurations(), name)
		if _, err := calico.BGPConfigurations().Create(context.Background(),
			&v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { acctest.Delete(t, calico.BGPConfigurations(), name) })
	}
	for name, spec := range c.peers {
		acctest.Delete(t, calico.BGPPeers(), name)
		if _, err := calico.BGPPeers().Create(context.Background(),
			&v3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { acctest.Delete(t, calico.BGPPeers(), name) })
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
				for _, n := range c.nodes {
					v4, v6, err := acctest.BIRDSessions(t, n.name)
					if err != nil {
						return err
					}
					want := fromBIRD(append(v4, v6...))
					var got []comparedSession
					for _, s := range nodes[n.name].Sessions {
						port := 0
						if s.PeerPort != nil {
							port = *s.PeerPort
						}
						got = append(got, comparedSession{s.PeerIP, port, s.PeerAS, s.RRClient, s.Passive})
					}
					sortSessions(got)
					if diff := cmp.Diff(want, got); diff != "" {
						return fmt.Errorf("node %s: the data source's sessions against confd's (-confd +data source):\n%s", n.name, diff)
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
