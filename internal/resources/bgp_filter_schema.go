package resources

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

func bgpFilterSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A BGP filter (`BGPFilter`, `projectcalico.org/v3`): ordered rules that accept or reject " +
			"routes exported to or imported from the BGP peers that list it in `filters`. Rules are evaluated in " +
			"order and the first match decides; a route that matches no rule is accepted.",
		Attributes: map[string]schema.Attribute{
			"name":      identityAttribute("Name of the filter, referred to by `calico_bgp_peer.filters`. Changing it replaces the resource."),
			"export_v4": filterRulesAttribute(4, "IPv4 routes exported to the peer"),
			"import_v4": filterRulesAttribute(4, "IPv4 routes imported from the peer"),
			"export_v6": filterRulesAttribute(6, "IPv6 routes exported to the peer"),
			"import_v6": filterRulesAttribute(6, "IPv6 routes imported from the peer"),
		},
	}
}

var filterRuleObjectType = filterRulesAttribute(4, "").NestedObject.Type()

func filterRulesAttribute(family int, what string) schema.ListNestedAttribute {
	cidrValidator, maxLen := validate.IPv4Network(), int64(32)
	example := "10.244.0.0/16"
	if family == 6 {
		cidrValidator, maxLen, example = validate.IPv6Network(), 128, "fd00:10:244::/48"
	}
	sibling := func(name string) path.Expression { return path.MatchRelative().AtParent().AtName(name) }
	lengthAttr := func(bound string) schema.Int64Attribute {
		return schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("%s prefix length to match, 0 to %d.", bound, maxLen),
			Validators:          []validator.Int64{int64validator.Between(0, maxLen)},
		}
	}
	return schema.ListNestedAttribute{
		Optional:            true,
		MarkdownDescription: fmt.Sprintf("Ordered rules for %s.", what),
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"action": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`Accept` or `Reject` the routes the rule matches.",
				Validators:          []validator.String{stringvalidator.OneOf("Accept", "Reject")},
			},
			"cidr": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("IPv%d prefix to compare routes with, such as `%s`; requires "+
					"`match_operator`. Without it the rule matches every route (subject to `source` and `interface`).",
					family, example),
				Validators: []validator.String{cidrValidator, stringvalidator.AlsoRequires(sibling("match_operator"))},
			},
			"match_operator": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How a route compares with `cidr`: `Equal`, `NotEqual`, `In` (inside it) or " +
					"`NotIn`. Requires `cidr`.",
				Validators: []validator.String{
					stringvalidator.OneOf("Equal", "NotEqual", "In", "NotIn"),
					stringvalidator.AlsoRequires(sibling("cidr")),
				},
			},
			"prefix_length": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Match only routes whose prefix length is in this range (with `match_operator = " +
					"\"In\"`, for example routes of /24 to /32 inside a /16). Requires `cidr`. calico-node matches " +
					"from the larger of `min` and the CIDR's own length to the smaller of `max` and the family's " +
					"longest (32 or 128); a `min` below the CIDR's length has no effect. When that range is empty " +
					"(`max` below the CIDR's length, or below `min`), BIRD rejects the pattern and with it every " +
					"node's whole BIRD configuration: Calico stores such a rule, so the plan warns of it." +
					needsRelease(calico.BGPFilters.KindInfo, "spec.exportV4[].prefixLength", ""),
				Validators: []validator.Object{objectvalidator.AlsoRequires(sibling("cidr"))},
				Attributes: map[string]schema.Attribute{"min": lengthAttr("Shortest"), "max": lengthAttr("Longest")},
			},
			"source": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`RemotePeers`: match only routes learned from BGP peers (not the node's own).",
				Validators:          []validator.String{stringvalidator.OneOf("RemotePeers")},
			},
			"interface": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Match only routes through this interface: a name or pattern such as `eth*` " +
					"(1-15 characters, `*` for any).",
				Validators: []validator.String{validate.BGPFilterInterface()},
			},
		}},
	}
}
