package bgp

import (
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

func defaultConfigWithAS(as *numorstring.ASNumber) *v3.BGPConfiguration {
	return &v3.BGPConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "default"}, Spec: v3.BGPConfigurationSpec{ASNumber: as}}
}

func nodeWithAS(name, as string) *calico.Node {
	n := &calico.Node{Name: name, Settings: map[string]string{calico.AnnotationIPv4Address: "10.0.0.1/24"}}
	if as != "" {
		n.Settings[calico.AnnotationASNumber] = as
	}
	return n
}

func TestASRule(t *testing.T) {
	clusterAS := numorstring.ASNumber(65010)
	cases := []struct {
		name       string
		config     *v3.BGPConfiguration
		nodeAS     string
		wantAS     numorstring.ASNumber
		wantSource ASSource
		wantErr    bool
	}{
		{name: "no BGPConfiguration", wantAS: 64512, wantSource: ASFromDefault},
		{name: "BGPConfiguration without an AS", config: defaultConfigWithAS(nil), wantAS: 64512, wantSource: ASFromDefault},
		{name: "the cluster's AS", config: defaultConfigWithAS(&clusterAS), wantAS: 65010, wantSource: ASFromBGPConfiguration},
		{name: "the node's own over the default", nodeAS: "65001", wantAS: 65001, wantSource: ASFromNode},
		{name: "the node's own over the cluster's", config: defaultConfigWithAS(&clusterAS), nodeAS: "65001", wantAS: 65001, wantSource: ASFromNode},
		{name: "the node's own in asdot", config: defaultConfigWithAS(&clusterAS), nodeAS: "1.10", wantAS: 65546, wantSource: ASFromNode},
		// Calico's parser takes 0; the provider refuses it only where the user writes it.
		{name: "the node's own 0", config: defaultConfigWithAS(&clusterAS), nodeAS: "0", wantAS: 0, wantSource: ASFromNode},
		{name: "a node value Calico ignores", config: defaultConfigWithAS(&clusterAS), nodeAS: "not-an-as", wantAS: 65010,
			wantSource: ASFromBGPConfiguration, wantErr: true},
		{name: "a node value Calico ignores, no cluster AS", nodeAS: "1.70000", wantAS: 64512, wantSource: ASFromDefault, wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			as, source, err := NewASRule(c.config).NodeAS(nodeWithAS("n1", c.nodeAS))
			if as != c.wantAS || source != c.wantSource || (err != nil) != c.wantErr {
				t.Errorf("NodeAS = %v, %q, %v; want %v, %q, error %v", as, source, err, c.wantAS, c.wantSource, c.wantErr)
			}
		})
	}
}

// The topology speaks each node's AS by the same rule.
func TestTopologyUsesASRule(t *testing.T) {
	clusterAS := numorstring.ASNumber(65010)
	in := topologyInput{
		configs: []*v3.BGPConfiguration{defaultConfigWithAS(&clusterAS)},
		nodes:   []*calico.Node{nodeWithAS("own", "1.10"), nodeWithAS("cluster", ""), nodeWithAS("ignored", "x")},
	}
	in.nodes[1].Settings[calico.AnnotationIPv4Address] = "10.0.0.2/24"
	in.nodes[2].Settings[calico.AnnotationIPv4Address] = "10.0.0.3/24"
	topo, err := computeTopology(in)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]uint32{"own": 65546, "cluster": 65010, "ignored": 65010} {
		if got := topo.Nodes[name].ASNumber; got != want {
			t.Errorf("node %s: AS %d, want %d", name, got, want)
		}
	}
	found := false
	for _, s := range topo.Nodes["cluster"].Sessions {
		if s.PeerNode == "own" {
			found = true
			if s.PeerAS != 65546 || s.LocalAS != 65010 {
				t.Errorf("mesh session cluster-own: peer AS %d, local AS %d; want 65546, 65010", s.PeerAS, s.LocalAS)
			}
		}
	}
	if !found {
		t.Errorf("no mesh session from cluster to own: %+v", topo.Nodes["cluster"].Sessions)
	}
}
