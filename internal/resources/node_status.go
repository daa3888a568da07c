package resources

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// NewNodeStatus is the calico_node_status resource.
func NewNodeStatus() resource.Resource {
	return newObjectResource(objectMapping[nodeStatusModel, *v3.CalicoNodeStatus]{
		typeName: "node_status",
		kind:     calico.CalicoNodeStatuses.On,
		schema:   nodeStatusSchema,
		name:     func(m *nodeStatusModel) *types.String { return &m.Name },
		expand:   expandNodeStatus,
		flatten:  flattenNodeStatus,
	})
}

type nodeStatusModel struct {
	Name                types.String `tfsdk:"name"`
	Node                types.String `tfsdk:"node"`
	Classes             types.List   `tfsdk:"classes"`
	UpdatePeriodSeconds types.Int64  `tfsdk:"update_period_seconds"`
	LastUpdated         types.String `tfsdk:"last_updated"`
	Agent               types.Object `tfsdk:"agent"`
	BGP                 types.Object `tfsdk:"bgp"`
	Routes              types.List   `tfsdk:"routes"`
}

type birdStatusModel struct {
	State                   types.String `tfsdk:"state"`
	Version                 types.String `tfsdk:"version"`
	RouterID                types.String `tfsdk:"router_id"`
	LastBootTime            types.String `tfsdk:"last_boot_time"`
	LastReconfigurationTime types.String `tfsdk:"last_reconfiguration_time"`
}

type agentStatusModel struct {
	BIRDV4 birdStatusModel `tfsdk:"bird_v4"`
	BIRDV6 birdStatusModel `tfsdk:"bird_v6"`
}

type bgpStatusModel struct {
	EstablishedV4    types.Int64              `tfsdk:"established_v4"`
	NotEstablishedV4 types.Int64              `tfsdk:"not_established_v4"`
	EstablishedV6    types.Int64              `tfsdk:"established_v6"`
	NotEstablishedV6 types.Int64              `tfsdk:"not_established_v6"`
	Peers            []tfcommon.BGPPeerStatus `tfsdk:"peers"`
}

type routeStatusModel struct {
	IPVersion             types.Int64  `tfsdk:"ip_version"`
	Type                  types.String `tfsdk:"type"`
	Destination           types.String `tfsdk:"destination"`
	Gateway               types.String `tfsdk:"gateway"`
	Interface             types.String `tfsdk:"interface"`
	LearnedFromSourceType types.String `tfsdk:"learned_from_source_type"`
	LearnedFromPeerIP     types.String `tfsdk:"learned_from_peer_ip"`
}

func expandNodeStatus(ctx context.Context, m *nodeStatusModel, obj *v3.CalicoNodeStatus) diag.Diagnostics {
	classes, diags := listElements[v3.NodeStatusClassType](ctx, m.Classes)
	period := uint32(m.UpdatePeriodSeconds.ValueInt64())
	obj.Spec = v3.CalicoNodeStatusSpec{Node: m.Node.ValueString(), Classes: classes, UpdatePeriodSeconds: &period}
	return diags
}

func flattenNodeStatus(ctx context.Context, obj *v3.CalicoNodeStatus, m *nodeStatusModel) diag.Diagnostics {
	var diags, d diag.Diagnostics
	m.Name = types.StringValue(obj.Name)
	m.Node = types.StringValue(obj.Spec.Node)
	m.Classes, d = types.ListValueFrom(ctx, types.StringType, obj.Spec.Classes)
	diags.Append(d...)
	m.UpdatePeriodSeconds = int64FromPointer(obj.Spec.UpdatePeriodSeconds)

	st := obj.Status
	m.LastUpdated = types.StringNull()
	if !st.LastUpdated.IsZero() {
		m.LastUpdated = types.StringValue(st.LastUpdated.UTC().Format(time.RFC3339))
	}
	bird := func(b v3.BGPDaemonStatus) birdStatusModel {
		return birdStatusModel{
			State: types.StringValue(string(b.State)), Version: types.StringValue(b.Version),
			RouterID: types.StringValue(b.RouterID), LastBootTime: types.StringValue(b.LastBootTime),
			LastReconfigurationTime: types.StringValue(b.LastReconfigurationTime),
		}
	}
	m.Agent, d = types.ObjectValueFrom(ctx, agentStatusAttrTypes, agentStatusModel{BIRDV4: bird(st.Agent.BIRDV4), BIRDV6: bird(st.Agent.BIRDV6)})
	diags.Append(d...)
	m.BGP, d = types.ObjectValueFrom(ctx, bgpStatusAttrTypes, bgpStatusModel{
		EstablishedV4: types.Int64Value(int64(st.BGP.NumberEstablishedV4)), NotEstablishedV4: types.Int64Value(int64(st.BGP.NumberNotEstablishedV4)),
		EstablishedV6: types.Int64Value(int64(st.BGP.NumberEstablishedV6)), NotEstablishedV6: types.Int64Value(int64(st.BGP.NumberNotEstablishedV6)),
		Peers: tfcommon.PeersFromStatus(st.BGP),
	})
	diags.Append(d...)
	routes := []routeStatusModel{}
	for version, rs := range [][]v3.CalicoNodeRoute{st.Routes.RoutesV4, st.Routes.RoutesV6} {
		for _, r := range rs {
			routes = append(routes, routeStatusModel{
				IPVersion: types.Int64Value(int64(4 + 2*version)), Type: types.StringValue(string(r.Type)),
				Destination: types.StringValue(r.Destination), Gateway: types.StringValue(r.Gateway),
				Interface: types.StringValue(r.Interface), LearnedFromSourceType: types.StringValue(string(r.LearnedFrom.SourceType)),
				LearnedFromPeerIP: types.StringValue(r.LearnedFrom.PeerIP),
			})
		}
	}
	m.Routes, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: routeStatusAttrTypes}, routes)
	diags.Append(d...)
	return diags
}
