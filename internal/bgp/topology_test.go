package bgp

import (
	"fmt"
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

func topologyNodeOf(name, ipv4, clusterID string, labels map[string]string) *calico.Node {
	n := &calico.Node{Name: name, Settings: map[string]string{calico.AnnotationIPv4Address: ipv4 + "/24"}, Labels: labels, SelectorLabels: labels}
	if clusterID != "" {
		n.Settings[calico.AnnotationRouteReflectorClusterID] = clusterID
	}
	return n
}

func peerOf(name string, spec v3.BGPPeerSpec) *v3.BGPPeer {
	return &v3.BGPPeer{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}
}

// The warnings name what most likely is a mistake. The sessions themselves are judged in
// TestTopologySessionsOfDesigns and TestTopologyMatchesConfdFixtures.
func TestTopologyWarnings(t *testing.T) {
	meshOff := false
	rr := map[string]string{"route-reflector": "true"}
	in := topologyInput{
		configs: []*v3.BGPConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: &meshOff}}},
		nodes: []*calico.Node{topologyNodeOf("rr1", "10.0.0.1", "244.0.0.1", rr), topologyNodeOf("rr2", "10.0.0.2", "244.0.0.1", rr),
			topologyNodeOf("a", "10.0.0.3", "", map[string]string{"only": "rr1"}), topologyNodeOf("lonely", "10.0.0.4", "", nil)},
		peers: []*v3.BGPPeer{
			peerOf("a-to-rr1", v3.BGPPeerSpec{NodeSelector: "only == 'rr1'", PeerSelector: "route-reflector == 'true' && !has(skip)", PeerIP: ""}),
			peerOf("nobody", v3.BGPPeerSpec{NodeSelector: "rack == 'none'", PeerIP: "192.0.2.1", ASNumber: 65000}),
			peerOf("ghost", v3.BGPPeerSpec{Node: "ghost", PeerIP: "192.0.2.2", ASNumber: 65000}),
			peerOf("no-peer", v3.BGPPeerSpec{NodeSelector: "all()", PeerSelector: "rack == 'none'"}),
		},
	}
	// Node a reaches both reflectors through a-to-rr1's selector; narrow it to one.
	in.nodes[1].SelectorLabels = map[string]string{"route-reflector": "true", "skip": "yes"}
	topo, err := computeTopology(in)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(topo.Warnings, "\n")
	for _, want := range []string{
		"Node a reaches only one route reflector (rr1)",
		"Route reflectors rr1 and rr2 of cluster 244.0.0.1 do not peer with each other",
		`BGPPeer nobody selects no node (node_selector "rack == 'none'")`,
		"BGPPeer ghost is for node ghost, which does not exist",
		`BGPPeer no-peer selects no peer (peer_selector "rack == 'none'")`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no warning %q in:\n%s", want, got)
		}
	}
	if fmt.Sprint(topo.Isolated) != "[lonely rr2]" {
		t.Errorf("isolated = %v, want [lonely rr2]", topo.Isolated)
	}
}

// 5 000 nodes behind two route reflectors per rack, 50 racks, whose reflectors peer with the
// rack's switch.
func rackFabric() topologyInput {
	meshOff := false
	in := topologyInput{matches: newSelectorMatches(),
		configs: []*v3.BGPConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: &meshOff}}}}
	for r := 0; r < 50; r++ {
		rack := fmt.Sprintf("r%d", r)
		in.peers = append(in.peers, peerOf(rack+"-to-rr", v3.BGPPeerSpec{NodeSelector: fmt.Sprintf("rack == '%s' && !has(route-reflector)", rack),
			PeerSelector: fmt.Sprintf("rack == '%s' && has(route-reflector)", rack)}),
			peerOf(rack+"-tor", v3.BGPPeerSpec{NodeSelector: fmt.Sprintf("rack == '%s' && has(route-reflector)", rack),
				PeerIP: fmt.Sprintf("172.16.%d.1", r), ASNumber: numorstring.ASNumber(65100 + r)}))
		for i := 0; i < 100; i++ {
			labels := map[string]string{"rack": rack}
			cluster := ""
			if i < 2 {
				labels["route-reflector"], cluster = "true", fmt.Sprintf("244.0.%d.1", r)
			}
			in.nodes = append(in.nodes, topologyNodeOf(fmt.Sprintf("%s-n%d", rack, i), fmt.Sprintf("10.%d.%d.%d", r/250, r%250, i+1), cluster, labels))
		}
	}
	return in
}

func BenchmarkTopology5000Nodes(b *testing.B) {
	in := rackFabric()
	b.ResetTimer()
	for range b.N {
		in.matches = newSelectorMatches() // a run's first computation
		if _, err := computeTopology(in); err != nil {
			b.Fatal(err)
		}
	}
}

// One rack switch's BGPPeer destroyed, as a plan's session impact and an apply's guard judge it.
func BenchmarkSessionImpact5000Nodes(b *testing.B) {
	in := rackFabric()
	before, err := computeTopology(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		after, err := sessionsWith(in, before, PlannedChange{Kind: calico.BGPPeers.Name, Name: fmt.Sprintf("r%d-tor", i%50)})
		if err != nil {
			b.Fatal(err)
		}
		compareTopologies(before, after)
	}
}
