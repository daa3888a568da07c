package bgp

import (
	"fmt"
	"os"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// A test fixture, exported for the acceptance tests: this package's tests compute the sessions
// of every design in testdata/designs.yaml, and internal/datasources' acceptance test creates
// each design and holds confd's BIRD configuration to the same sessions.

// Design is a BGP design and every node's sessions in it.
type Design struct {
	Name    string
	Nodes   []DesignNode
	Configs []struct {
		Name string
		Spec v3.BGPConfigurationSpec
	}
	Peers []struct {
		Name string
		Spec v3.BGPPeerSpec
	}
	// Sessions by node, every node's, in Topology's order.
	Sessions map[string][]Session
}

// DesignNode is a node as calico-node registers it and calico_node_rr marks a reflector.
type DesignNode struct {
	Name, IPv4, IPv6, AS, ClusterID string // addresses without prefix length
	Labels                          map[string]string
}

// Annotations are the node's BGP settings as Kubernetes Node annotations: the addresses with
// the prefix lengths calico-node registers (/24, /64), only those set.
func (n DesignNode) Annotations() map[string]string {
	out := map[string]string{}
	for _, s := range []struct{ key, value, suffix string }{{calico.AnnotationIPv4Address, n.IPv4, "/24"},
		{calico.AnnotationIPv6Address, n.IPv6, "/64"}, {calico.AnnotationASNumber, n.AS, ""},
		{calico.AnnotationRouteReflectorClusterID, n.ClusterID, ""}} {
		if s.value != "" {
			out[s.key] = s.value + s.suffix
		}
	}
	return out
}

// LoadDesigns reads a designs file, refusing keys it does not know.
func LoadDesigns(path string) ([]Design, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var designs []Design
	if err := yaml.UnmarshalStrict(raw, &designs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return designs, nil
}
