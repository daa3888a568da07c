package bgp

import (
	"slices"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// The guard's judgement of one change against the run's fabric: which nodes it cuts off, and
// which it leaves only sessions this apply brought, which must come up first.
func TestJudgeCutOff(t *testing.T) {
	meshOff := &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: ptr.To(false)}}
	rr := map[string]string{"route-reflector": "true"}
	nodes := []*calico.Node{topologyNodeOf("rr", "10.0.0.1", "244.0.0.1", rr), topologyNodeOf("a", "10.0.0.2", "", nil),
		topologyNodeOf("b", "10.0.0.3", "", nil)}
	toRR := peerOf("to-rr", v3.BGPPeerSpec{NodeSelector: "!has(route-reflector)", PeerSelector: "has(route-reflector)"})
	deleteToRR := PlannedChange{Kind: calico.BGPPeers.Name, Name: "to-rr"}
	withMeshOff := topologyInput{configs: []*v3.BGPConfiguration{meshOff}, peers: []*v3.BGPPeer{toRR}, nodes: nodes}
	withMeshOn := topologyInput{peers: []*v3.BGPPeer{toRR}, nodes: nodes}
	names := func(ns []CutOffNode) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Name)
		}
		return out
	}
	for _, c := range []struct {
		name        string
		start, now  topologyInput // at the start of the apply; with the run's writes
		change      PlannedChange
		wantCut     []string
		wantWaiting []string
	}{
		{name: "the mesh off, the clients' peering destroyed: every node cut off", start: withMeshOff, now: withMeshOff,
			change: deleteToRR, wantCut: []string{"a", "b", "rr"}},
		{name: "the mesh on since before the apply: the clients keep their mesh session, the reflector has none",
			start: withMeshOn, now: withMeshOn, change: deleteToRR, wantCut: []string{"rr"}},
		{name: "the mesh turned back on by this apply: the clients wait for their mesh session",
			start: withMeshOff, now: withMeshOn, change: deleteToRR, wantCut: []string{"rr"}, wantWaiting: []string{"a", "b"}},
		{name: "a new peering of the clients: sessions added, nothing cut", start: withMeshOff, now: withMeshOff,
			change: PlannedChange{Kind: calico.BGPPeers.Name, Name: "to-rr-too", Object: peerOf("to-rr-too", v3.BGPPeerSpec{PeerIP: "10.9.9.9", ASNumber: 65000})}},
		{name: "the mesh turned back on: sessions added, nothing cut", start: withMeshOff, now: withMeshOff,
			change: PlannedChange{Kind: calico.BGPConfigurations.Name, Name: "default"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			start, err := computeTopology(c.start)
			if err != nil {
				t.Fatal(err)
			}
			before, err := computeTopology(c.now)
			if err != nil {
				t.Fatal(err)
			}
			cut, waiting, _, err := judgeCutOff(start, c.now, before, c.change)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(cut), c.wantCut) || !slices.Equal(names(waiting), c.wantWaiting) {
				t.Errorf("cut off %v, waited for %v; want %v and %v", names(cut), names(waiting), c.wantCut, c.wantWaiting)
			}
		})
	}
}
