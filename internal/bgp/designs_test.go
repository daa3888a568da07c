package bgp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// designsFile is shared with the acceptance test that holds confd to it.
const designsFile = "testdata/designs.yaml"

// input is the design as the objects the topology is computed from.
func (d Design) input() topologyInput {
	var in topologyInput
	for _, n := range d.Nodes {
		in.nodes = append(in.nodes, &calico.Node{Name: n.Name, Settings: n.Annotations(), Labels: n.Labels, SelectorLabels: n.Labels})
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
	designs, err := LoadDesigns(designsFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range designs {
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
