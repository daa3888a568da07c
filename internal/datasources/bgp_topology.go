package datasources

import (
	"bytes"
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"
	"github.com/vmihailenco/msgpack/v5"

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

// The data source's value is written in the protocol's encoding directly (encodeBGPTopologyState),
// without a model: over thousands of nodes it holds tens of thousands of sessions, and the
// provider's server answers its reads below the framework (see ClusterState), with the same value.
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

	sessionAttributes, topologyNodeAttributes = attributeNames(sessionType), attributeNames(topologyNodeType)
	bgpTopologyAttributes                     = attributeNames(bgpTopologyType)
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
	state, err := bgpTopologyState(topo, nodeSelector, sel)
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", "BGP topology", "", err)
		return
	}
	resp.State.Raw = state
}

// ClusterState returns the data source's state for its configuration, read from the cluster
// through c. The provider's server finds this method by interface and answers reads with it,
// skipping the framework's handling of so large a value; a selector that does not parse is left
// to Read, which says so.
func (d *bgpTopologyDataSource) ClusterState(ctx context.Context, c *calico.Client, config tftypes.Value) (tfprotov6.DynamicValue, error) {
	nodeSelector, sel, err := configSelector(config, "node_selector")
	if err != nil {
		return tfprotov6.DynamicValue{}, err
	}
	topo, err := bgp.LoadTopology(ctx, c)
	if err != nil {
		return tfprotov6.DynamicValue{}, err
	}
	b, err := encodeBGPTopologyState(topo, nodeSelector, sel)
	return tfprotov6.DynamicValue{MsgPack: b}, err
}

// bgpTopologyState is the data source's state for a topology, with the nodes sel selects, as
// a value: encodeBGPTopologyState's, read back.
func bgpTopologyState(topo *bgp.Topology, nodeSelector types.String, sel *selector.Selector) (tftypes.Value, error) {
	b, err := encodeBGPTopologyState(topo, nodeSelector, sel)
	if err != nil {
		return tftypes.Value{}, err
	}
	return tfprotov6.DynamicValue{MsgPack: b}.Unmarshal(bgpTopologyType)
}

// encodeBGPTopologyState writes the data source's state for a topology, with the nodes sel
// selects, straight in the plugin protocol's MessagePack. Over a whole fabric the state holds
// tens of thousands of sessions: built as Terraform's values first, it took the provider
// several times the memory and time of the encoding itself (CONTRIBUTING, Performance).
func encodeBGPTopologyState(topo *bgp.Topology, nodeSelector types.String, sel *selector.Selector) ([]byte, error) {
	var names []string
	sessionCount := 0
	for name, n := range topo.Nodes {
		if sel.Evaluate(n.Labels) {
			names = append(names, name)
			sessionCount += len(n.Sessions)
		}
	}
	slices.Sort(names)
	isolated := slices.DeleteFunc(slices.Clone(topo.Isolated), func(name string) bool { return !sel.Evaluate(topo.Nodes[name].Labels) })
	var buf bytes.Buffer
	w := stateWriter{msgpack.NewEncoder(&buf)}
	err := w.object(bgpTopologyAttributes, func(attr string) error {
		switch attr {
		case "isolated_nodes":
			return w.strings(isolated)
		case "node_selector":
			return w.optionalString(nodeSelector.ValueStringPointer())
		case "nodes":
			return w.mapOf(names, func(name string) error { return w.topologyNode(topo.Nodes[name]) })
		case "session_count":
			return w.EncodeInt(int64(sessionCount))
		case "warnings":
			return w.strings(topo.Warnings)
		}
		return errNoValue
	})
	return buf.Bytes(), err
}

func (w stateWriter) topologyNode(n *bgp.NodeTopology) error {
	return w.object(topologyNodeAttributes, func(attr string) error {
		switch attr {
		case "as_number":
			return w.EncodeInt(int64(n.ASNumber))
		case "ipv4_address":
			return w.string(n.IPv4Address)
		case "ipv6_address":
			return w.string(n.IPv6Address)
		case "route_reflector_cluster_id":
			return w.string(n.RouteReflectorClusterID)
		case "sessions":
			if err := w.EncodeArrayLen(len(n.Sessions)); err != nil {
				return err
			}
			for i := range n.Sessions {
				if err := w.session(&n.Sessions[i]); err != nil {
					return err
				}
			}
			return nil
		}
		return errNoValue
	})
}

func (w stateWriter) session(s *bgp.Session) error {
	return w.object(sessionAttributes, func(attr string) error {
		switch attr {
		case "passive":
			return w.EncodeBool(s.Passive)
		case "peer_as_number":
			return w.EncodeInt(int64(s.PeerAS))
		case "peer_ip":
			return w.string(s.PeerIP)
		case "peer_node":
			return w.string(s.PeerNode)
		case "peer_port":
			if s.PeerPort == 0 {
				return w.EncodeNil()
			}
			return w.EncodeInt(int64(s.PeerPort))
		case "route_reflector_client":
			return w.EncodeBool(s.RouteReflectorClient)
		case "source":
			return w.string(s.Source)
		case "type":
			if s.IBGP() {
				return w.string("iBGP")
			}
			return w.string("eBGP")
		}
		return errNoValue
	})
}
