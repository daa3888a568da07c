package datasources

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewBGPTopology is the calico_bgp_topology data source.
func NewBGPTopology() datasource.DataSource {
	return &bgpTopologyDataSource{configuredDataSource{typeName: "bgp_topology"}}
}

type bgpTopologyDataSource struct{ configuredDataSource }

var _ datasource.DataSourceWithConfigure = (*bgpTopologyDataSource)(nil)

// The data source's value is built as Terraform's types directly (bgpTopologyState), without a
// model: over thousands of nodes it holds tens of thousands of sessions, and the provider's
// server answers its reads below the framework (see ClusterState), with the same value.
var (
	sessionType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"peer_ip": tftypes.String, "peer_port": tftypes.Number, "peer_as_number": tftypes.Number, "peer_node": tftypes.String,
		"type": tftypes.String, "source": tftypes.String, "route_reflector_client": tftypes.Bool, "passive": tftypes.Bool,
	}}
	topologyNodeType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"as_number": tftypes.Number, "ipv4_address": tftypes.String, "ipv6_address": tftypes.String,
		"route_reflector_cluster_id": tftypes.String, "sessions": tftypes.List{ElementType: sessionType},
	}}
	// bgpTopologyType is the type of the data source's state.
	bgpTopologyType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"node_selector": tftypes.String, "nodes": tftypes.Map{ElementType: topologyNodeType},
		"session_count": tftypes.Number, "isolated_nodes": tftypes.List{ElementType: tftypes.String},
		"warnings": tftypes.List{ElementType: tftypes.String},
	}}
)

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
			"node_selector": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Calico selector over node labels, such as `rack == 'r1'`: `nodes`, `session_count` " +
					"and `isolated_nodes` then hold the selected nodes only. The sessions are still computed over the " +
					"whole fabric, so a selected node's sessions with nodes outside the selection are all there. Over " +
					"thousands of nodes, selecting what a change touches keeps the plan small. All nodes when not set.",
				Validators: []validator.String{validate.Selector()},
			},
			"session_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "How many sessions the nodes in `nodes` have, counted at each end.",
			},
			"nodes": schema.MapNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every node (or every node `node_selector` selects) by name.",
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
				MarkdownDescription: "Nodes (of those in `nodes`) with no BGP session at all, sorted by name.",
			},
			"warnings": schema.ListAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "What most likely is a mistake, in plain sentences, over the whole fabric: a " +
					"node whose iBGP sessions reach only one route reflector, reflectors of one cluster that do not peer " +
					"with each other, a BGPPeer that selects no node or no peer.",
			},
		},
	}
}

func (d *bgpTopologyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	nodeSelector, sel, ok := readSelector(ctx, req.Config, "node_selector", &resp.Diagnostics)
	if !ok {
		return
	}
	topo, err := bgp.LoadTopology(ctx, d.client)
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", "BGP topology", "", err)
		return
	}
	resp.State.Raw = bgpTopologyState(topo, nodeSelector, sel)
}

// ClusterState returns the data source's state for its configuration, read from the cluster
// through c. The provider's server finds this method by interface and answers reads with it,
// skipping the framework's handling of so large a value; a selector that does not parse is left
// to Read, which says so.
func (d *bgpTopologyDataSource) ClusterState(ctx context.Context, c *calico.Client, config tftypes.Value) (tftypes.Value, error) {
	nodeSelector, sel, err := configSelector(config, "node_selector")
	if err != nil {
		return tftypes.Value{}, err
	}
	topo, err := bgp.LoadTopology(ctx, c)
	if err != nil {
		return tftypes.Value{}, err
	}
	return bgpTopologyState(topo, nodeSelector, sel), nil
}

// bgpTopologyState is the data source's state for a topology, with the nodes sel selects.
func bgpTopologyState(topo *bgp.Topology, nodeSelector types.String, sel *selector.Selector) tftypes.Value {
	str := func(s string) tftypes.Value {
		if s == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, s)
	}
	list := func(ss []string) tftypes.Value {
		vals := make([]tftypes.Value, len(ss))
		for i, s := range ss {
			vals[i] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vals)
	}
	nodes, sessionCount := make(map[string]tftypes.Value, len(topo.Nodes)), 0
	for name, n := range topo.Nodes {
		if !sel.Evaluate(n.Labels) {
			continue
		}
		sessionCount += len(n.Sessions)
		sessions := make([]tftypes.Value, len(n.Sessions))
		for i, s := range n.Sessions {
			port := tftypes.NewValue(tftypes.Number, nil)
			if s.PeerPort != 0 {
				port = tftypes.NewValue(tftypes.Number, int64(s.PeerPort))
			}
			kind := "eBGP"
			if s.IBGP() {
				kind = "iBGP"
			}
			sessions[i] = tftypes.NewValue(sessionType, map[string]tftypes.Value{
				"peer_ip": str(s.PeerIP), "peer_port": port, "peer_as_number": tftypes.NewValue(tftypes.Number, int64(s.PeerAS)),
				"peer_node": str(s.PeerNode), "type": str(kind), "source": str(s.Source),
				"route_reflector_client": tftypes.NewValue(tftypes.Bool, s.RouteReflectorClient), "passive": tftypes.NewValue(tftypes.Bool, s.Passive),
			})
		}
		nodes[name] = tftypes.NewValue(topologyNodeType, map[string]tftypes.Value{
			"as_number": tftypes.NewValue(tftypes.Number, int64(n.ASNumber)), "ipv4_address": str(n.IPv4Address),
			"ipv6_address": str(n.IPv6Address), "route_reflector_cluster_id": str(n.RouteReflectorClusterID),
			"sessions": tftypes.NewValue(tftypes.List{ElementType: sessionType}, sessions),
		})
	}
	isolated := slices.DeleteFunc(slices.Clone(topo.Isolated), func(name string) bool { return !sel.Evaluate(topo.Nodes[name].Labels) })
	return tftypes.NewValue(bgpTopologyType, map[string]tftypes.Value{
		"node_selector": tftypes.NewValue(tftypes.String, nodeSelector.ValueStringPointer()), "session_count": tftypes.NewValue(tftypes.Number, int64(sessionCount)),
		"nodes": tftypes.NewValue(tftypes.Map{ElementType: topologyNodeType}, nodes), "isolated_nodes": list(isolated),
		"warnings": list(topo.Warnings),
	})
}
