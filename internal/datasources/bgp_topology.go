package datasources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// NewBGPTopology is the calico_bgp_topology data source.
func NewBGPTopology() datasource.DataSource { return &bgpTopologyDataSource{} }

type bgpTopologyDataSource struct{ client *calico.Client }

var _ datasource.DataSourceWithConfigure = (*bgpTopologyDataSource)(nil)

type bgpTopologyModel struct {
	Nodes    types.Map  `tfsdk:"nodes"`
	Isolated types.List `tfsdk:"isolated_nodes"`
	Warnings types.List `tfsdk:"warnings"`
}

var sessionAttrTypes = map[string]attr.Type{
	"peer_ip": types.StringType, "peer_port": types.Int64Type, "peer_as_number": types.Int64Type, "peer_node": types.StringType,
	"type": types.StringType, "source": types.StringType, "route_reflector_client": types.BoolType, "passive": types.BoolType,
}

var topologyNodeAttrTypes = map[string]attr.Type{
	"as_number": types.Int64Type, "ipv4_address": types.StringType, "ipv6_address": types.StringType,
	"route_reflector_cluster_id": types.StringType,
	"sessions":                   types.ListType{ElemType: types.ObjectType{AttrTypes: sessionAttrTypes}},
}

func (d *bgpTopologyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bgp_topology"
}

func (d *bgpTopologyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = tfcommon.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *bgpTopologyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(d string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: d}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The BGP sessions Calico will build: for every node, the sessions calico-node's confd " +
			"configures in BIRD, computed from the datastore by Calico's rules (the node-to-node mesh and route " +
			"reflectors, global, per-node and selector BGPPeers, the reverse side of peerings between nodes and " +
			"`reverse_peering`, per-node and cluster AS numbers and listen ports, IPv4 and IPv6). calicoctl shows the " +
			"objects; this shows the peerings they make, before they are applied to BIRD. One LIST each of " +
			"BGPConfigurations, BGPPeers and nodes.\n\n" +
			"Sessions of `local_workload_selector` peers depend on the workloads running on each node and are not " +
			"shown. When two BGPPeers make the same session, Calico keeps one of them; `source` then names the first " +
			"by name.",
		Attributes: map[string]schema.Attribute{
			"nodes": schema.MapNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every node by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"as_number": schema.Int64Attribute{Computed: true, MarkdownDescription: "The node's effective AS " +
						"number: its own, else the `default` BGPConfiguration's, else 64512."},
					"ipv4_address":               str("The node's IPv4 BGP address with prefix length; null if none (then it has no IPv4 sessions)."),
					"ipv6_address":               str("The node's IPv6 BGP address with prefix length; null if none."),
					"route_reflector_cluster_id": str("Route-reflector cluster ID; null if the node is not a route reflector."),
					"sessions": schema.ListNestedAttribute{
						Computed: true,
						MarkdownDescription: "The node's BGP sessions, IPv4 first, each family in the order of BIRD's " +
							"configuration (mesh, global peers, node-specific peers).",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"peer_ip":        str("The peer's address, as BIRD's `neighbor` (without port)."),
							"peer_port":      schema.Int64Attribute{Computed: true, MarkdownDescription: "The peer's port; null for BGP's default (179)."},
							"peer_as_number": schema.Int64Attribute{Computed: true, MarkdownDescription: "The peer's AS number."},
							"peer_node":      str("The peer's node name when the peer is a Calico node; else null."),
							"type":           str("`iBGP` (the peer is in the AS the node speaks in the session) or `eBGP`."),
							"source":         str("`node-to-node mesh`, or the name of the BGPPeer the session comes from."),
							"route_reflector_client": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this " +
								"node treats the peer as its route-reflector client."},
							"passive": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this node waits for " +
								"the peer to connect (Calico makes one side of each session between two nodes passive)."},
						}},
					},
				}},
			},
			"isolated_nodes": schema.ListAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Nodes with no BGP session at all, sorted by name.",
			},
			"warnings": schema.ListAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "What most likely is a mistake, in plain sentences: a node whose iBGP sessions " +
					"reach only one route reflector, reflectors of one cluster that do not peer with each other, a " +
					"BGPPeer that selects no node or no peer.",
			},
		},
	}
}

func (d *bgpTopologyDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	topo, err := calico.LoadTopology(ctx, d.client)
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", "BGP topology", "", err)
		return
	}
	nodes := map[string]attr.Value{}
	for name, n := range topo.Nodes {
		sessions := make([]attr.Value, 0, len(n.Sessions))
		for _, s := range n.Sessions {
			port := types.Int64Null()
			if s.PeerPort != 0 {
				port = types.Int64Value(int64(s.PeerPort))
			}
			kind := "eBGP"
			if s.IBGP() {
				kind = "iBGP"
			}
			sessions = append(sessions, types.ObjectValueMust(sessionAttrTypes, map[string]attr.Value{
				"peer_ip": types.StringValue(s.PeerIP), "peer_port": port, "peer_as_number": types.Int64Value(int64(s.PeerAS)),
				"peer_node": nullIfEmpty(s.PeerNode), "type": types.StringValue(kind), "source": types.StringValue(s.Source),
				"route_reflector_client": types.BoolValue(s.RouteReflectorClient), "passive": types.BoolValue(s.Passive),
			}))
		}
		nodes[name] = types.ObjectValueMust(topologyNodeAttrTypes, map[string]attr.Value{
			"as_number": types.Int64Value(int64(n.ASNumber)), "ipv4_address": nullIfEmpty(n.IPv4Address),
			"ipv6_address": nullIfEmpty(n.IPv6Address), "route_reflector_cluster_id": nullIfEmpty(n.RouteReflectorClusterID),
			"sessions": types.ListValueMust(types.ObjectType{AttrTypes: sessionAttrTypes}, sessions),
		})
	}
	m := bgpTopologyModel{Nodes: types.MapValueMust(types.ObjectType{AttrTypes: topologyNodeAttrTypes}, nodes)}
	var isolated, warnings diag.Diagnostics
	m.Isolated, isolated = types.ListValueFrom(ctx, types.StringType, append([]string{}, topo.Isolated...))
	m.Warnings, warnings = types.ListValueFrom(ctx, types.StringType, append([]string{}, topo.Warnings...))
	resp.Diagnostics.Append(append(isolated, warnings...)...)
	resp.Diagnostics.Append(tfcommon.SetState(ctx, &resp.State, &m)...)
}

func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
