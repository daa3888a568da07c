package bgp

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// sessionsWith computes only the nodes the changed BGPPeers reach, with selectors matched once
// per set of nodes. Over random fabrics and random changes to their peers, one or several at
// once, it must give exactly what the whole computation, without the kept matches, gives.
func TestSessionsWithMatchesTheWholeComputation(t *testing.T) {
	random := rand.New(rand.NewPCG(34, 2026))
	partial := 0
	for round := range 3000 {
		in := randomFabric(random)
		changes := []PlannedChange{randomPeerChange(random, in)}
		for random.IntN(3) == 0 { // several at once, as the guard puts in the deletions in flight
			changes = append(changes, randomPeerChange(random, in))
		}
		before, err := sessionsOf(in, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sessionsWith(in, before, changes...)
		if err != nil {
			t.Fatal(err)
		}
		whole := in
		for _, change := range changes {
			whole = whole.with(change)
		}
		whole.matches = nil
		want, err := sessionsOf(whole, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Nodes) > 0 && got == before {
			partial++
		}
		if !reflect.DeepEqual(got.Nodes, want.Nodes) || !reflect.DeepEqual(got.Isolated, want.Isolated) ||
			!reflect.DeepEqual(compareTopologies(before, got), compareTopologies(before, want)) {
			t.Fatalf("round %d, changes %s:\ngot  %s\nwant %s", round, describeChanges(changes), describeNodes(got), describeNodes(want))
		}
	}
	// The shortcut is taken often enough to be judged.
	if partial < 100 {
		t.Errorf("only %d changes reached no node", partial)
	}
}

func describeChanges(changes []PlannedChange) string {
	out := ""
	for _, c := range changes {
		if p, ok := c.Object.(*v3.BGPPeer); ok {
			out += fmt.Sprintf("\n  %s: %+v", c.Name, p.Spec)
		} else {
			out += fmt.Sprintf("\n  %s deleted", c.Name)
		}
	}
	return out
}

func describeNodes(topo *Topology) string {
	out := ""
	for _, name := range sortedKeys(topo.Nodes) {
		out += fmt.Sprintf("\n  %s: %+v", name, topo.Nodes[name].Sessions)
	}
	return out + fmt.Sprintf("\n  isolated %v", topo.Isolated)
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// randomFabric is up to 10 nodes in three racks, some of them reflectors, some dual-stack, some
// with their own AS number and listen port, and up to 8 BGPPeers of every shape.
func randomFabric(random *rand.Rand) topologyInput {
	meshOn := random.IntN(3) == 0
	as := numorstring.ASNumber(64512)
	in := topologyInput{matches: newSelectorMatches(), configs: []*v3.BGPConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "default"},
		Spec: v3.BGPConfigurationSpec{NodeToNodeMeshEnabled: &meshOn, ASNumber: &as}}}}
	for i := range random.IntN(10) {
		rack := string(rune('a' + random.IntN(3)))
		labels := map[string]string{"rack": rack}
		cluster := ""
		if random.IntN(3) == 0 {
			labels["rr"], cluster = "true", "244.0.0."+rack
		}
		n := topologyNodeOf(fmt.Sprintf("n%d", i), fmt.Sprintf("10.0.0.%d", i+1), cluster, labels)
		if random.IntN(3) == 0 {
			n.Settings[calico.AnnotationIPv6Address] = fmt.Sprintf("fd00::%d/64", i+1)
		}
		if random.IntN(4) == 0 {
			n.Settings[calico.AnnotationASNumber] = "65001"
		}
		if random.IntN(6) == 0 {
			in.configs = append(in.configs, &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "node." + n.Name},
				Spec: v3.BGPConfigurationSpec{ListenPort: 1790}})
		}
		in.nodes = append(in.nodes, n)
	}
	for i := range random.IntN(9) {
		in.peers = append(in.peers, peerOf(fmt.Sprintf("p%d", i), randomPeerSpec(random, len(in.nodes))))
	}
	return in
}

// randomPeerSpec is a BGPPeer's spec of any shape: global, for one node or a selector, to an
// address (a node's or not, with a port or not, IPv4 or IPv6) or to the nodes a selector picks.
func randomPeerSpec(random *rand.Rand, nodes int) v3.BGPPeerSpec {
	var spec v3.BGPPeerSpec
	selector := func() string {
		return []string{"rack == 'a'", "rack == 'b'", "has(rr)", "!has(rr)", "all()", "rack == 'none'"}[random.IntN(6)]
	}
	switch random.IntN(3) {
	case 1:
		spec.Node = fmt.Sprintf("n%d", random.IntN(nodes+1)) // one past the last does not exist
	case 2:
		spec.NodeSelector = selector()
	}
	switch random.IntN(6) {
	case 0, 1:
		spec.PeerSelector = selector()
	case 2:
		spec.PeerIP = fmt.Sprintf("10.0.0.%d", random.IntN(nodes+1)+1) // a node's, mostly
	case 3:
		spec.PeerIP = fmt.Sprintf("192.0.2.%d", random.IntN(2)+1)
	case 4:
		spec.PeerIP = fmt.Sprintf("10.0.0.%d:1790", random.IntN(nodes+1)+1)
	case 5:
		spec.PeerIP = fmt.Sprintf("fd00::%d", random.IntN(nodes+1)+1)
	}
	if spec.PeerSelector == "" {
		spec.ASNumber = numorstring.ASNumber([]uint32{0, 64512, 65001, 65010}[random.IntN(4)])
	}
	if random.IntN(5) == 0 {
		local := numorstring.ASNumber(65020)
		spec.LocalASNumber = &local
	}
	if random.IntN(5) == 0 {
		manual := v3.ReversePeeringManual
		spec.ReversePeering = &manual
	}
	if random.IntN(12) == 0 {
		spec.LocalWorkloadSelector = "app == 'bird'"
	}
	return spec
}

// randomPeerChange deletes, changes or adds a BGPPeer.
func randomPeerChange(random *rand.Rand, in topologyInput) PlannedChange {
	name := fmt.Sprintf("p%d", random.IntN(len(in.peers)+1)) // one past the last is new
	if random.IntN(3) == 0 && len(in.peers) > 0 {
		return PlannedChange{Kind: calico.BGPPeers.Name, Name: name}
	}
	return PlannedChange{Kind: calico.BGPPeers.Name, Name: name, Object: peerOf(name, randomPeerSpec(random, len(in.nodes)))}
}
