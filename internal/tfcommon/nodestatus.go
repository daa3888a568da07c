package tfcommon

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
)

// BGPPeerStatus is one BGP session as calico-node reports it in a CalicoNodeStatus, shared by
// calico_node_status and the node data sources.
type BGPPeerStatus struct {
	PeerIP    types.String `tfsdk:"peer_ip"`
	Type      types.String `tfsdk:"type"`
	State     types.String `tfsdk:"state"`
	Since     types.String `tfsdk:"since"`
	IPVersion types.Int64  `tfsdk:"ip_version"`
}

// BGPPeerStatusAttrTypes are the attribute types of BGPPeerStatus.
var BGPPeerStatusAttrTypes = map[string]attr.Type{
	"peer_ip": types.StringType, "type": types.StringType, "state": types.StringType,
	"since": types.StringType, "ip_version": types.Int64Type,
}

// BGPPeerStatusDescriptions describe BGPPeerStatus's attributes, for both schema packages.
var BGPPeerStatusDescriptions = map[string]string{
	"peer_ip":    "Address of the peer.",
	"type":       "`NodeMesh` (full mesh), `NodePeer` (a BGPPeer with a node or node selector) or `GlobalPeer` (a BGPPeer for all nodes).",
	"state":      "Session state: `Established` when up; `Idle`, `Connect`, `Active`, `OpenSent`, `OpenConfirm` or `Close` otherwise.",
	"since":      "When the session entered that state, as BIRD reports it.",
	"ip_version": "4 or 6.",
}

// PeersFromStatus lists the IPv4 then IPv6 sessions of a status report.
func PeersFromStatus(s v3.CalicoNodeBGPStatus) []BGPPeerStatus {
	out := []BGPPeerStatus{}
	add := func(version int64, peers []v3.CalicoNodePeer) {
		for _, p := range peers {
			out = append(out, BGPPeerStatus{
				PeerIP: types.StringValue(p.PeerIP), Type: types.StringValue(string(p.Type)),
				State: types.StringValue(string(p.State)), Since: types.StringValue(p.Since),
				IPVersion: types.Int64Value(version),
			})
		}
	}
	add(4, s.PeersV4)
	add(6, s.PeersV6)
	return out
}
