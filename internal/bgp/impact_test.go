package bgp

import (
	"slices"
	"strings"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// A fabric of two reflectors and two clients, mesh off, peered by one BGPPeer, with a ToR peer
// from the reflectors.
func reflectorFabric() topologyInput {
	meshOff := false
	as := numorstring.ASNumber(65001)
	rr := map[string]string{"rr": "true"}
	return topologyInput{
		configs: []*v3.BGPConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: &meshOff, ASNumber: &as}}},
		nodes: []*calico.Node{topologyNodeOf("rr1", "10.0.0.1", "244.0.0.1", rr), topologyNodeOf("rr2", "10.0.0.2", "244.0.0.1", rr),
			topologyNodeOf("c1", "10.0.0.3", "", nil), topologyNodeOf("c2", "10.0.0.4", "", nil)},
		peers: []*v3.BGPPeer{
			peerOf("clients-to-rr", v3.BGPPeerSpec{NodeSelector: "!has(rr)", PeerSelector: "has(rr)"}),
			peerOf("rr-to-rr", v3.BGPPeerSpec{NodeSelector: "has(rr)", PeerSelector: "has(rr)"}),
			peerOf("rr-to-tor", v3.BGPPeerSpec{NodeSelector: "has(rr)", PeerIP: "10.0.0.254", ASNumber: 65010}),
		},
	}
}

func impactOf(t *testing.T, in topologyInput, change PlannedChange) *Impact {
	t.Helper()
	before, err := computeTopology(in)
	if err != nil {
		t.Fatal(err)
	}
	after, err := computeTopology(in.with(change))
	if err != nil {
		t.Fatal(err)
	}
	return compareTopologies(before, after)
}

func peersOf(sessions []Session) []string {
	var out []string
	for _, s := range sessions {
		out = append(out, s.PeerIP)
	}
	slices.Sort(out)
	return out
}

// Destroying the clients' peering drops every client's sessions, and the reflectors' side of
// them, and leaves the clients with none: the plan's impact names each.
func TestImpactOfDestroyingTheClientsPeering(t *testing.T) {
	impact := impactOf(t, reflectorFabric(), PlannedChange{Kind: calico.BGPPeers.Name, Name: "clients-to-rr"})
	for node, want := range map[string][]string{"c1": {"10.0.0.1", "10.0.0.2"}, "c2": {"10.0.0.1", "10.0.0.2"}, "rr1": {"10.0.0.3", "10.0.0.4"}} {
		if got := peersOf(impact.Dropped[node]); !slices.Equal(got, want) {
			t.Errorf("%s drops %v, want %v", node, got, want)
		}
	}
	if !slices.Equal(impact.Isolated, []string{"c1", "c2"}) {
		t.Errorf("isolated %v, want [c1 c2]", impact.Isolated)
	}
	if len(impact.Added) != 0 || len(impact.Reset) != 0 {
		t.Errorf("added %v, reset %v, want none", impact.Added, impact.Reset)
	}
	text := impact.Describe(1)
	for _, want := range []string{"Sessions dropped: 8 on 4 nodes", "  - c1: 10.0.0.1 (AS 65001, clients-to-rr)", "... and 3 more nodes",
		"no BGP session at all (they lose every route learned over BGP): c1 and 1 more"} {
		if !strings.Contains(text, want) {
			t.Errorf("the description lacks %q:\n%s", want, text)
		}
	}
}

// Changing the cluster's AS resets every session, and drops or adds none.
func TestImpactOfAnASChange(t *testing.T) {
	in := reflectorFabric()
	cfg := in.configs[0].DeepCopy()
	as := numorstring.ASNumber(65002)
	cfg.Spec.ASNumber = &as
	impact := impactOf(t, in, PlannedChange{Kind: calico.BGPConfigurations.Name, Name: "default", Object: cfg})
	if len(impact.Dropped) != 0 || len(impact.Added) != 0 || len(impact.Isolated) != 0 {
		t.Errorf("dropped %v, added %v, isolated %v, want none", impact.Dropped, impact.Added, impact.Isolated)
	}
	if got := peersOf(impact.Reset["rr1"]); !slices.Equal(got, []string{"10.0.0.2", "10.0.0.254", "10.0.0.3", "10.0.0.4"}) {
		t.Errorf("rr1 resets %v", got)
	}
}

// Turning the mesh back on adds sessions and drops none; a change that alters nothing is empty.
func TestImpactOfTheMeshBackOnAndOfNoChange(t *testing.T) {
	in := reflectorFabric()
	cfg := in.configs[0].DeepCopy()
	on := true
	cfg.Spec.NodeToNodeMeshEnabled = &on
	impact := impactOf(t, in, PlannedChange{Kind: calico.BGPConfigurations.Name, Name: "default", Object: cfg})
	if len(impact.Dropped) != 0 || len(impact.Added["c1"]) == 0 {
		t.Errorf("mesh on: dropped %v, added %v", impact.Dropped, impact.Added)
	}
	same := impactOf(t, in, PlannedChange{Kind: calico.BGPPeers.Name, Name: "rr-to-tor", Object: in.peers[2]})
	if !same.Empty() {
		t.Errorf("an unchanged peer: %+v", same)
	}
}

// A client that becomes a reflector (its cluster ID and label, as calico_node_rr plans them)
// changes sessions: its sessions to the reflectors become reflector-to-reflector ones (reset:
// no longer a client), and it gains the other clients.
func TestImpactOfANodeBecomingAReflector(t *testing.T) {
	in := reflectorFabric()
	id, label := "244.0.0.1", "true"
	impact := impactOf(t, in, PlannedChange{Name: "c1", NodeKeys: &calico.NodeKeys{
		Annotations: map[string]*string{calico.AnnotationRouteReflectorClusterID: &id},
		Labels:      map[string]*string{"rr": &label},
	}})
	if impact.Empty() {
		t.Fatal("a client becoming a reflector changes no session")
	}
	if got := peersOf(impact.Added["c1"]); !slices.Contains(got, "10.0.0.4") {
		t.Errorf("c1 adds %v, want its session to client c2", got)
	}
	if in.nodes[2].Settings[calico.AnnotationRouteReflectorClusterID] != "" {
		t.Error("the live node was changed")
	}
}

// A reflector's new cluster ID restarts the sessions it reflects over, on both ends (BIRD's
// protocol for each carries the cluster ID), and its session with the other reflector, whose
// cluster now differs (each becomes the other's client); not the session with the switch.
func TestImpactOfANewClusterID(t *testing.T) {
	in := reflectorFabric()
	id := "244.0.0.9"
	impact := impactOf(t, in, PlannedChange{Name: "rr1", NodeKeys: &calico.NodeKeys{
		Annotations: map[string]*string{calico.AnnotationRouteReflectorClusterID: &id}}})
	if len(impact.Dropped) != 0 || len(impact.Added) != 0 {
		t.Errorf("dropped %v, added %v, want none", impact.Dropped, impact.Added)
	}
	want := map[string][]string{"rr1": {"10.0.0.2", "10.0.0.3", "10.0.0.4"}, "rr2": {"10.0.0.1"}, "c1": {"10.0.0.1"}, "c2": {"10.0.0.1"}}
	if len(impact.Reset) != len(want) {
		t.Errorf("resets on %d nodes, want %d: %v", len(impact.Reset), len(want), impact.Reset)
	}
	for node, peers := range want {
		if got := peersOf(impact.Reset[node]); !slices.Equal(got, peers) {
			t.Errorf("%s resets %v, want %v", node, got, peers)
		}
	}
}
