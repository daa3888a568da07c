package resources

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// Attribute types of the status objects, computed once.
var (
	agentStatusAttrTypes = objectAttrTypes(agentStatusAttributes())
	bgpStatusAttrTypes   = objectAttrTypes(bgpStatusAttributes())
	routeStatusAttrTypes = objectAttrTypes(routeStatusAttributes())
)

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
			"name": identityAttribute("Name of the CalicoNodeStatus. Changing it replaces the resource."),
			"node": calicoNameAttribute("Node whose calico-node reports."),
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
