package resources

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewNodeStatus is the calico_node_status resource.
func NewNodeStatus() resource.Resource {
	return newObjectResource(objectKind[nodeStatusModel, *v3.CalicoNodeStatus]{
		typeName: "node_status",
		kind:     (*calico.Client).CalicoNodeStatuses,
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

// Attribute types of the status objects, computed once.
var (
	agentStatusAttrTypes = objectAttrTypes(agentStatusAttributes())
	bgpStatusAttrTypes   = objectAttrTypes(bgpStatusAttributes())
	routeStatusAttrTypes = objectAttrTypes(routeStatusAttributes())
)

// objectAttrTypes gives the attribute types of a nested object's attributes.
func objectAttrTypes(attrs map[string]schema.Attribute) map[string]attr.Type {
	out := make(map[string]attr.Type, len(attrs))
	for k, a := range attrs {
		out[k] = a.GetType()
	}
	return out
}

func computedStrings(descriptions map[string]string) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for k, d := range descriptions {
		out[k] = schema.StringAttribute{Computed: true, MarkdownDescription: d}
	}
	return out
}

func birdStatusAttributes() map[string]schema.Attribute {
	return computedStrings(map[string]string{
		"state": "`Ready` or `NotReady`.", "version": "BIRD's version.", "router_id": "BGP router ID.",
		"last_boot_time": "When BIRD started.", "last_reconfiguration_time": "When BIRD last reloaded its configuration.",
	})
}

func agentStatusAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"bird_v4": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The IPv4 BIRD daemon.", Attributes: birdStatusAttributes()},
		"bird_v6": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The IPv6 BIRD daemon.", Attributes: birdStatusAttributes()},
	}
}

func bgpStatusAttributes() map[string]schema.Attribute {
	count := func(d string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: d}
	}
	peer := computedStrings(tfcommon.BGPPeerStatusDescriptions)
	peer["ip_version"] = schema.Int64Attribute{Computed: true, MarkdownDescription: tfcommon.BGPPeerStatusDescriptions["ip_version"]}
	return map[string]schema.Attribute{
		"established_v4":     count("IPv4 sessions Established."),
		"not_established_v4": count("IPv4 sessions not Established."),
		"established_v6":     count("IPv6 sessions Established."),
		"not_established_v6": count("IPv6 sessions not Established."),
		"peers": schema.ListNestedAttribute{
			Computed: true, MarkdownDescription: "Each BGP session, IPv4 first.",
			NestedObject: schema.NestedAttributeObject{Attributes: peer},
		},
	}
}

func routeStatusAttributes() map[string]schema.Attribute {
	attrs := computedStrings(map[string]string{
		"type": "`FIB` (in the kernel) or `RIB` (in BIRD).", "destination": "Destination prefix.",
		"gateway": "Next hop.", "interface": "Outgoing interface.",
		"learned_from_source_type": "Where the route came from: `Kernel`, `Static`, `Direct`, `NodeMesh` or `BGPPeer`.",
		"learned_from_peer_ip":     "The peer it was learned from, for BGP routes.",
	})
	attrs["ip_version"] = schema.Int64Attribute{Computed: true, MarkdownDescription: "4 or 6."}
	return attrs
}

func nodeStatusSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Asks calico-node on one node to report its status (`CalicoNodeStatus`, " +
			"`projectcalico.org/v3`) and exposes the report: BIRD's state and router ID, each BGP session's state, " +
			"and routes. The report is refreshed on every read (plan or refresh), so `bgp.peers[*].state` tells " +
			"whether sessions are `Established`.\n\n" +
			"calico-node writes the report every `update_period_seconds` until the object is deleted, which costs " +
			"API writes on every node that has one. Calico's advice: create these for a few nodes at a time, with " +
			"a period of a minute or more, and delete them when the check is done.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the CalicoNodeStatus. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{validate.Name()},
			},
			"node": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Node whose calico-node reports.",
				Validators:          []validator.String{validate.Name()},
			},
			"classes": schema.ListAttribute{
				ElementType: types.StringType, Required: true,
				MarkdownDescription: "What to report: any of `Agent` (BIRD daemons), `BGP` (sessions), `Routes`.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.OneOf("Agent", "BGP", "Routes")),
				},
			},
			"update_period_seconds": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(60),
				MarkdownDescription: "Seconds between reports, 0-86400 (0 reports once). Defaults to 60.",
				Validators:          []validator.Int64{int64validator.Between(0, 86400)},
			},
			"last_updated": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When calico-node last wrote the report (RFC 3339); null until it has.",
			},
			"agent": schema.SingleNestedAttribute{
				Computed: true, MarkdownDescription: "The BIRD daemons (class `Agent`).", Attributes: agentStatusAttributes(),
			},
			"bgp": schema.SingleNestedAttribute{
				Computed: true, MarkdownDescription: "The BGP sessions (class `BGP`).", Attributes: bgpStatusAttributes(),
			},
			"routes": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "Routes (class `Routes`), IPv4 first.",
				NestedObject: schema.NestedAttributeObject{Attributes: routeStatusAttributes()},
			},
		},
	}
}
