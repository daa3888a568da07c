package bgp

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// design is one case of testdata/designs.yaml: nodes as calico-node registers them, the
// BGPConfigurations and BGPPeers (in Calico's spelling), and every node's sessions.
// internal/datasources' and internal/scenarios' acceptance tests read the same file and hold
// confd's BIRD configuration to the same sessions.
type design struct {
	Name  string
	Nodes []struct {
		Name, IPv4, IPv6, AS, ClusterID string
		Labels                          map[string]string
	}
	Configs []struct {
		Name string
		Spec v3.BGPConfigurationSpec
	}
	Peers []struct {
		Name string
		Spec v3.BGPPeerSpec
	}
	// Sessions by node; a node not listed has none.
	Sessions map[string][]Session
}

// designsFile is shared with the acceptance tests that hold confd to it.
const designsFile = "testdata/designs.yaml"

func loadDesigns(t *testing.T, path string) []design {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var designs []design
	if err := yaml.UnmarshalStrict(raw, &designs); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return designs
}

// input is the design as the objects the topology is computed from.
func (d design) input() topologyInput {
	var in topologyInput
	for _, n := range d.Nodes {
		node := &calico.Node{Name: n.Name, Settings: map[string]string{}, Labels: n.Labels, SelectorLabels: n.Labels}
		for _, setting := range []struct{ key, value, suffix string }{{calico.AnnotationIPv4Address, n.IPv4, "/24"},
			{calico.AnnotationIPv6Address, n.IPv6, "/64"}, {calico.AnnotationASNumber, n.AS, ""},
			{calico.AnnotationRouteReflectorClusterID, n.ClusterID, ""}} {
			if setting.value != "" {
				node.Settings[setting.key] = setting.value + setting.suffix
			}
		}
		in.nodes = append(in.nodes, node)
	}
	for _, c := range d.Configs {
		in.configs = append(in.configs, &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: c.Name}, Spec: c.Spec})
	}
	for _, p := range d.Peers {
		in.peers = append(in.peers, &v3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: p.Name}, Spec: p.Spec})
	}
	return in
}

// The sessions computed for every node of every design are those confd makes (see
// testdata/designs.yaml): peer address and port, both AS numbers, the peer node, the source,
// and whether the node is the peer's route reflector and waits for it to connect.
func TestTopologySessionsOfDesigns(t *testing.T) {
	for _, d := range loadDesigns(t, designsFile) {
		t.Run(d.Name, func(t *testing.T) {
			topo, err := computeTopology(d.input())
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Sessions) != len(d.Nodes) {
				t.Fatalf("the design lists sessions of %d nodes, has %d nodes: list every node's, [] for none", len(d.Sessions), len(d.Nodes))
			}
			for _, n := range d.Nodes {
				want, ok := d.Sessions[n.Name]
				if !ok {
					t.Fatalf("the design lists no sessions of node %s", n.Name)
				}
				if diff := cmp.Diff(want, topo.Nodes[n.Name].Sessions, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("sessions of node %s (-design +computed):\n%s", n.Name, diff)
				}
			}
		})
	}
}
