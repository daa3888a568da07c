package bgp

import (
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// Peerings that turn reverse peering off and speak their own local AS to a switch (fields of
// 3.30.3 and 3.31.0) are computed as each release's confd builds them: a release that lacks a
// field ignores it, so its reflector peers back, or its client speaks the node's AS.
func TestTopologyFollowsTheClusterRelease(t *testing.T) {
	meshOff := false
	manual := v3.ReversePeeringManual
	localAS := numorstring.ASNumber(65010)
	in := topologyInput{
		configs: []*v3.BGPConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: &meshOff}}},
		nodes: []*calico.Node{topologyNodeOf("rr", "10.0.0.1", "244.0.0.1", map[string]string{"rr": "true"}),
			topologyNodeOf("client", "10.0.0.2", "", map[string]string{"client": "true"})},
		peers: []*v3.BGPPeer{
			peerOf("client-to-rr", v3.BGPPeerSpec{NodeSelector: "has(client)", PeerSelector: "has(rr)", ReversePeering: &manual}),
			peerOf("client-to-tor", v3.BGPPeerSpec{NodeSelector: "has(client)", PeerIP: "172.20.0.254", ASNumber: 65001, LocalASNumber: &localAS}),
		},
	}
	for _, c := range []struct {
		release       calico.Release
		rrSessions    int
		clientLocalAS uint32
	}{
		{calico.Release{Major: 3, Minor: 31, Patch: 0}, 0, 65010},
		{calico.Release{Major: 3, Minor: 30, Patch: 3}, 0, uint32(DefaultASNumber)}, // reverse peering came in 3.30.3, local AS in 3.31.0
		{calico.Release{Major: 3, Minor: 29, Patch: 7}, 1, uint32(DefaultASNumber)},
	} {
		asOf, err := in.asOf(c.release)
		if err != nil {
			t.Fatal(err)
		}
		topo, err := computeTopology(asOf)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(topo.Nodes["rr"].Sessions); got != c.rrSessions {
			t.Errorf("on %s the reflector has %d sessions, want %d (reverse peering)", c.release, got, c.rrSessions)
		}
		var toTor *Session
		for i, s := range topo.Nodes["client"].Sessions {
			if s.Source == "client-to-tor" {
				toTor = &topo.Nodes["client"].Sessions[i]
			}
		}
		if toTor == nil || toTor.LocalAS != c.clientLocalAS {
			t.Errorf("on %s the client's session to the switch is %+v, want it to speak AS %d", c.release, toTor, c.clientLocalAS)
		}
		if in.peers[0].Spec.ReversePeering == nil || in.peers[1].Spec.LocalASNumber == nil {
			t.Errorf("on %s the stored peer was changed", c.release)
		}
	}
}
