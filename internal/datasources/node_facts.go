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
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// All lists the provider's data sources.
func All() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewNode, NewNodes, NewBGPTopology}
}

// A node's facts are built as Terraform's types directly, without a model: calico_nodes over
// thousands of nodes holds thousands of them, and the provider's server answers its reads below
// the framework (see ClusterState), with the same value.
var (
	bgpPeerStatusType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"peer_ip": tftypes.String, "type": tftypes.String, "state": tftypes.String, "since": tftypes.String,
		"ip_version": tftypes.Number,
	}}
	// nodeFactsType is the type of one node's facts: calico_node's state, and an element of
	// calico_nodes' nodes.
	nodeFactsType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"name": tftypes.String, "as_number": tftypes.Number, "as_number_source": tftypes.String,
		"ipv4_address": tftypes.String, "ipv6_address": tftypes.String, "route_reflector_cluster_id": tftypes.String,
		"route_reflector": tftypes.Bool, "labels": tftypes.Map{ElementType: tftypes.String},
		"bgp_status_available": tftypes.Bool, "bgp_status_time": tftypes.String, "bgp_status_message": tftypes.String,
		"bgp_peers": tftypes.List{ElementType: bgpPeerStatusType},
	}}
)

// invalidNodeASSummary is the summary of the warning about a node's AS number that Calico ignores.
const invalidNodeASSummary = "Invalid Node AS Number"

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

// facts is node n's facts, a value of nodeFactsType, and a warning when n's own AS number is
// one Calico ignores.
func (cc *clusterContext) facts(n *calico.Node) (facts tftypes.Value, warning string) {
	str := func(s string) tftypes.Value {
		if s == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, s)
	}
	asn, asSource, err := cc.asRule.NodeAS(n)
	if err != nil {
		warning = fmt.Sprintf("Node %s has the AS number %q, which Calico ignores; showing the cluster's AS number instead.",
			n.Name, n.Settings[calico.AnnotationASNumber])
	}
	labels := make(map[string]tftypes.Value, len(n.SelectorLabels))
	for k, v := range n.SelectorLabels {
		labels[k] = tftypes.NewValue(tftypes.String, v)
	}
	clusterID := n.Settings[calico.AnnotationRouteReflectorClusterID]
	available, when, message, peers := false, "", "", []tftypes.Value{}
	switch report := cc.reports[n.Name]; {
	case report == nil:
		message = fmt.Sprintf("No BGP status is available for node %s: no CalicoNodeStatus with the BGP class exists "+
			"for it. Create a calico_node_status for the node to get live session state.", n.Name)
	case report.Status.LastUpdated.IsZero():
		message = fmt.Sprintf("No BGP status is available for node %s yet: CalicoNodeStatus %s exists but calico-node "+
			"has not reported (is calico-node running on the node?).", n.Name, report.Name)
	default:
		available, when = true, report.Status.LastUpdated.UTC().Format(time.RFC3339)
		message = fmt.Sprintf("Reported by calico-node through CalicoNodeStatus %s.", report.Name)
		add := func(version int64, reported []v3.CalicoNodePeer) {
			for _, p := range reported {
				peers = append(peers, tftypes.NewValue(bgpPeerStatusType, map[string]tftypes.Value{
					"peer_ip": tftypes.NewValue(tftypes.String, p.PeerIP), "type": tftypes.NewValue(tftypes.String, string(p.Type)),
					"state": tftypes.NewValue(tftypes.String, string(p.State)), "since": tftypes.NewValue(tftypes.String, p.Since),
					"ip_version": tftypes.NewValue(tftypes.Number, version),
				}))
			}
		}
		add(4, report.Status.BGP.PeersV4)
		add(6, report.Status.BGP.PeersV6)
	}
	return tftypes.NewValue(nodeFactsType, map[string]tftypes.Value{
		"name":                       tftypes.NewValue(tftypes.String, n.Name),
		"as_number":                  tftypes.NewValue(tftypes.Number, int64(asn)),
		"as_number_source":           tftypes.NewValue(tftypes.String, string(asSource)),
		"ipv4_address":               str(n.Settings[calico.AnnotationIPv4Address]),
		"ipv6_address":               str(n.Settings[calico.AnnotationIPv6Address]),
		"route_reflector_cluster_id": str(clusterID),
		"route_reflector":            tftypes.NewValue(tftypes.Bool, clusterID != ""),
		"labels":                     tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, labels),
		"bgp_status_available":       tftypes.NewValue(tftypes.Bool, available),
		"bgp_status_time":            str(when),
		"bgp_status_message":         tftypes.NewValue(tftypes.String, message),
		"bgp_peers":                  tftypes.NewValue(tftypes.List{ElementType: bgpPeerStatusType}, peers),
	}), warning
}

// nodeFactAttributes describe a node's facts (nodeFactsType); name is the data source's input or an output.
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
