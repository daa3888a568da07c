// Package datasources holds the provider's data sources.
package datasources

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// All lists the provider's data sources.
func All() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewNode, NewNodes, NewBGPTopology}
}

// nodeFacts is what the data sources say about one Calico node.
type nodeFacts struct {
	Name                    types.String `tfsdk:"name"`
	ASNumber                types.Int64  `tfsdk:"as_number"`
	ASNumberSource          types.String `tfsdk:"as_number_source"`
	IPv4Address             types.String `tfsdk:"ipv4_address"`
	IPv6Address             types.String `tfsdk:"ipv6_address"`
	RouteReflectorClusterID types.String `tfsdk:"route_reflector_cluster_id"`
	RouteReflector          types.Bool   `tfsdk:"route_reflector"`
	Labels                  types.Map    `tfsdk:"labels"`
	BGPStatusAvailable      types.Bool   `tfsdk:"bgp_status_available"`
	BGPStatusTime           types.String `tfsdk:"bgp_status_time"`
	BGPStatusMessage        types.String `tfsdk:"bgp_status_message"`
	BGPPeers                types.List   `tfsdk:"bgp_peers"`
}

// clusterContext is read once per data source read and shared by every node's facts: the
// cluster's AS rule and the latest BGP status report of each node.
type clusterContext struct {
	asRule  bgp.ASRule
	reports map[string]*v3.CalicoNodeStatus
}

func loadClusterContext(ctx context.Context, c *calico.Client) (*clusterContext, error) {
	cfg, err := calico.BGPConfigurations.On(c).Get(ctx, "default")
	switch {
	case errors.Is(err, calico.ErrNotFound):
		cfg = nil
	case err != nil:
		return nil, err
	}
	cc := &clusterContext{asRule: bgp.NewASRule(cfg), reports: map[string]*v3.CalicoNodeStatus{}}
	err = calico.CalicoNodeStatuses.On(c).Each(ctx, func(s *v3.CalicoNodeStatus) error {
		if !slices.Contains(s.Spec.Classes, v3.NodeStatusClassTypeBGP) {
			return nil
		}
		if prev := cc.reports[s.Spec.Node]; prev == nil || s.Status.LastUpdated.After(prev.Status.LastUpdated.Time) {
			cc.reports[s.Spec.Node] = s
		}
		return nil
	})
	return cc, err
}

func (cc *clusterContext) facts(ctx context.Context, n *calico.Node) (nodeFacts, diag.Diagnostics) {
	var diags, d diag.Diagnostics
	setting := func(key string) types.String {
		if v, ok := n.Settings[key]; ok && v != "" {
			return types.StringValue(v)
		}
		return types.StringNull()
	}
	asn, asSource, err := cc.asRule.NodeAS(n)
	if err != nil {
		diags.AddWarning("Invalid Node AS Number",
			fmt.Sprintf("Node %s has the AS number %q, which Calico ignores; showing the cluster's AS number instead.", n.Name, n.Settings[calico.AnnotationASNumber]))
	}
	f := nodeFacts{
		Name:                    types.StringValue(n.Name),
		ASNumber:                types.Int64Value(int64(asn)),
		ASNumberSource:          types.StringValue(string(asSource)),
		IPv4Address:             setting(calico.AnnotationIPv4Address),
		IPv6Address:             setting(calico.AnnotationIPv6Address),
		RouteReflectorClusterID: setting(calico.AnnotationRouteReflectorClusterID),
	}
	f.RouteReflector = types.BoolValue(!f.RouteReflectorClusterID.IsNull())
	f.Labels, d = types.MapValueFrom(ctx, types.StringType, n.SelectorLabels)
	diags.Append(d...)

	peers := []tfcommon.BGPPeerStatus{}
	f.BGPStatusAvailable, f.BGPStatusTime = types.BoolValue(false), types.StringNull()
	switch report := cc.reports[n.Name]; {
	case report == nil:
		f.BGPStatusMessage = types.StringValue(fmt.Sprintf("No BGP status is available for node %s: no CalicoNodeStatus "+
			"with the BGP class exists for it. Create a calico_node_status for the node to get live session state.", n.Name))
	case report.Status.LastUpdated.IsZero():
		f.BGPStatusMessage = types.StringValue(fmt.Sprintf("No BGP status is available for node %s yet: CalicoNodeStatus %s "+
			"exists but calico-node has not reported (is calico-node running on the node?).", n.Name, report.Name))
	default:
		f.BGPStatusAvailable = types.BoolValue(true)
		f.BGPStatusTime = types.StringValue(report.Status.LastUpdated.UTC().Format(time.RFC3339))
		f.BGPStatusMessage = types.StringValue(fmt.Sprintf("Reported by calico-node through CalicoNodeStatus %s.", report.Name))
		peers = tfcommon.PeersFromStatus(report.Status.BGP)
	}
	f.BGPPeers, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: tfcommon.BGPPeerStatusAttrTypes}, peers)
	diags.Append(d...)
	return f, diags
}

// nodeFactAttributes describe nodeFacts; name is the data source's input or an output.
func nodeFactAttributes(name schema.StringAttribute) map[string]schema.Attribute {
	peer := map[string]schema.Attribute{}
	for k, d := range tfcommon.BGPPeerStatusDescriptions {
		peer[k] = schema.StringAttribute{Computed: true, MarkdownDescription: d}
	}
	peer["ip_version"] = schema.Int64Attribute{Computed: true, MarkdownDescription: tfcommon.BGPPeerStatusDescriptions["ip_version"]}
	str := func(d string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: d}
	}
	return map[string]schema.Attribute{
		"name": name,
		"as_number": schema.Int64Attribute{Computed: true, MarkdownDescription: "The node's effective AS number: its " +
			"own (`projectcalico.org/ASNumber`), else the `default` BGPConfiguration's, else Calico's default 64512."},
		"as_number_source":           str("Where `as_number` comes from: `node`, `bgp_configuration` or `default`."),
		"ipv4_address":               str("The node's IPv4 BGP address with prefix length, as calico-node detected or was told; null if none."),
		"ipv6_address":               str("The node's IPv6 BGP address with prefix length; null if none."),
		"route_reflector_cluster_id": str("Route-reflector cluster ID; null if the node is not a route reflector."),
		"route_reflector":            schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the node is a route reflector (has a cluster ID)."},
		"labels": schema.MapAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "The node's " +
			"labels as Calico selectors see them: labels set through Calico, overridden by the Kubernetes Node's labels."},
		"bgp_status_available": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether calico-node has " +
			"reported BGP session state for the node (through a CalicoNodeStatus with the BGP class)."},
		"bgp_status_time":    str("When that report was written (RFC 3339); null without one."),
		"bgp_status_message": str("Where the session state comes from, or why there is none and how to get it."),
		"bgp_peers": schema.ListNestedAttribute{
			Computed: true, MarkdownDescription: "The node's BGP sessions from the latest report, IPv4 first; empty without one.",
			NestedObject: schema.NestedAttributeObject{Attributes: peer},
		},
	}
}
