package bgp

import (
	"fmt"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// DefaultASNumber is Calico's AS number when neither a node nor the default BGPConfiguration
// sets one.
const DefaultASNumber numorstring.ASNumber = 64512

// ASSource says which step of the AS rule gave a node its AS number. The values are the ones
// the data sources show in as_number_source.
type ASSource string

// The steps of the AS rule, in its order.
const (
	ASFromNode             ASSource = "node"
	ASFromBGPConfiguration ASSource = "bgp_configuration"
	ASFromDefault          ASSource = "default"
)

// ASRule is how calico-node picks a node's AS number: the node's own, else the default
// BGPConfiguration's, else DefaultASNumber.
type ASRule struct {
	// ClusterAS is the AS number of the nodes that set none of their own.
	ClusterAS numorstring.ASNumber
	// ClusterSource is ASFromBGPConfiguration or ASFromDefault.
	ClusterSource ASSource
}

// NewASRule is the rule of a cluster whose BGPConfiguration "default" is defaultConfig, nil
// when there is none.
func NewASRule(defaultConfig *v3.BGPConfiguration) ASRule {
	if defaultConfig != nil && defaultConfig.Spec.ASNumber != nil {
		return ASRule{ClusterAS: *defaultConfig.Spec.ASNumber, ClusterSource: ASFromBGPConfiguration}
	}
	return ASRule{ClusterAS: DefaultASNumber, ClusterSource: ASFromDefault}
}

// NodeAS is the AS number node n speaks and where it comes from. A node's own value that
// Calico's parser rejects counts as none, as calico-node ignores it; err then says so.
func (r ASRule) NodeAS(n *calico.Node) (numorstring.ASNumber, ASSource, error) {
	raw := n.Settings[calico.AnnotationASNumber]
	if raw == "" {
		return r.ClusterAS, r.ClusterSource, nil
	}
	asn, err := numorstring.ASNumberFromString(raw)
	if err != nil {
		return r.ClusterAS, r.ClusterSource, fmt.Errorf("node %s: %w", n.Name, err)
	}
	return asn, ASFromNode, nil
}
