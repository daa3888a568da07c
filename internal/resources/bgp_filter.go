package resources

import (
	"context"
	"fmt"
	"net"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// NewBGPFilter is the calico_bgp_filter resource.
func NewBGPFilter() resource.Resource {
	return newObjectResource(objectMapping[bgpFilterModel, *v3.BGPFilter]{
		typeName: "bgp_filter",
		kind:     calico.BGPFilters.On,
		schema:   bgpFilterSchema,
		name:     func(m *bgpFilterModel) *types.String { return &m.Name },
		expand:   expandBGPFilter,
		flatten:  flattenBGPFilter,
		validate: validateBGPFilter,
	})
}

type bgpFilterModel struct {
	Name     types.String `tfsdk:"name"`
	ExportV4 types.List   `tfsdk:"export_v4"`
	ImportV4 types.List   `tfsdk:"import_v4"`
	ExportV6 types.List   `tfsdk:"export_v6"`
	ImportV6 types.List   `tfsdk:"import_v6"`
}

// bgpFilterRuleModel is one rule of either address family.
type bgpFilterRuleModel struct {
	Action        types.String `tfsdk:"action"`
	CIDR          types.String `tfsdk:"cidr"`
	MatchOperator types.String `tfsdk:"match_operator"`
	PrefixLength  types.Object `tfsdk:"prefix_length"`
	Source        types.String `tfsdk:"source"`
	Interface     types.String `tfsdk:"interface"`
}

type prefixLengthModel struct {
	Min types.Int64 `tfsdk:"min"`
	Max types.Int64 `tfsdk:"max"`
}

// ruleLists pairs each rule list of the model with its attribute name and IP family.
func (m *bgpFilterModel) ruleLists() []struct {
	attr   string
	family int
	list   *types.List
} {
	return []struct {
		attr   string
		family int
		list   *types.List
	}{
		{"export_v4", 4, &m.ExportV4}, {"import_v4", 4, &m.ImportV4},
		{"export_v6", 6, &m.ExportV6}, {"import_v6", 6, &m.ImportV6},
	}
}

func expandBGPFilter(ctx context.Context, m *bgpFilterModel, obj *v3.BGPFilter) diag.Diagnostics {
	var diags diag.Diagnostics
	spec := v3.BGPFilterSpec{}
	targets := map[string]any{"export_v4": &spec.ExportV4, "import_v4": &spec.ImportV4, "export_v6": &spec.ExportV6, "import_v6": &spec.ImportV6}
	for _, rl := range m.ruleLists() {
		rules, d := listElements[bgpFilterRuleModel](ctx, *rl.list)
		diags.Append(d...)
		if len(rules) == 0 {
			continue
		}
		calicoRules := make([]v3.BGPFilterRuleV6, len(rules))
		for i, r := range rules {
			calicoRules[i] = r.toCalico(ctx, &diags)
		}
		// The IPv4 and IPv6 rule types differ only in their prefix-length type; both have the
		// same JSON form, so one conversion serves both families.
		if err := convertJSON(calicoRules, targets[rl.attr]); err != nil {
			diags.AddAttributeError(path.Root(rl.attr), "Cannot Convert Filter Rules", err.Error())
		}
	}
	obj.Spec = spec
	return diags
}

func flattenBGPFilter(ctx context.Context, obj *v3.BGPFilter, m *bgpFilterModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Name = types.StringValue(obj.Name)
	sources := map[string]any{"export_v4": obj.Spec.ExportV4, "import_v4": obj.Spec.ImportV4, "export_v6": obj.Spec.ExportV6, "import_v6": obj.Spec.ImportV6}
	for _, rl := range m.ruleLists() {
		var calicoRules []v3.BGPFilterRuleV6
		if err := convertJSON(sources[rl.attr], &calicoRules); err != nil {
			diags.AddAttributeError(path.Root(rl.attr), "Cannot Convert Filter Rules", err.Error())
			continue
		}
		rules := make([]bgpFilterRuleModel, len(calicoRules))
		for i, r := range calicoRules {
			rules[i] = filterRuleFromCalico(ctx, r, &diags)
		}
		var d diag.Diagnostics
		*rl.list, d = objectsToList(ctx, filterRuleObjectType, rules, *rl.list)
		diags.Append(d...)
	}
	return diags
}

var prefixLengthAttrTypes = map[string]attr.Type{"min": types.Int64Type, "max": types.Int64Type}

func (r bgpFilterRuleModel) toCalico(ctx context.Context, diags *diag.Diagnostics) v3.BGPFilterRuleV6 {
	rule := v3.BGPFilterRuleV6{
		Action:        v3.BGPFilterAction(r.Action.ValueString()),
		CIDR:          r.CIDR.ValueString(),
		MatchOperator: v3.BGPFilterMatchOperator(r.MatchOperator.ValueString()),
		Source:        v3.BGPFilterMatchSource(r.Source.ValueString()),
		Interface:     r.Interface.ValueString(),
	}
	if p := objectAs[prefixLengthModel](ctx, r.PrefixLength, diags); p != nil {
		rule.PrefixLength = &v3.BGPFilterPrefixLengthV6{Min: int32Pointer(p.Min), Max: int32Pointer(p.Max)}
	}
	return rule
}

func filterRuleFromCalico(ctx context.Context, r v3.BGPFilterRuleV6, diags *diag.Diagnostics) bgpFilterRuleModel {
	m := bgpFilterRuleModel{
		Action:        types.StringValue(string(r.Action)),
		CIDR:          stringValue(r.CIDR, types.StringNull()),
		MatchOperator: stringValue(string(r.MatchOperator), types.StringNull()),
		Source:        stringValue(string(r.Source), types.StringNull()),
		Interface:     stringValue(r.Interface, types.StringNull()),
	}
	var length *prefixLengthModel
	if p := r.PrefixLength; p != nil && (p.Min != nil || p.Max != nil) {
		length = &prefixLengthModel{Min: int64FromPointer(p.Min), Max: int64FromPointer(p.Max)}
	}
	m.PrefixLength = objectFrom(ctx, prefixLengthAttrTypes, length, diags)
	return m
}

// validateBGPFilter warns of prefix lengths that do not do what they seem to. Calico's validator
// checks each length on its own (0 to 32, or 128), and calico-node's confd renders a rule's
// cidr and prefix_length as the BIRD prefix pattern cidr{lo,hi} (see birdPrefixRange). Calico
// stores every rule its validator accepts, so these are warnings, never errors.
func validateBGPFilter(ctx context.Context, m *bgpFilterModel) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, rl := range m.ruleLists() {
		if rl.list.IsUnknown() {
			continue
		}
		rules, d := listElements[bgpFilterRuleModel](ctx, *rl.list)
		diags.Append(d...)
		for i, r := range rules {
			length := objectAs[prefixLengthModel](ctx, r.PrefixLength, &diags)
			if length == nil || r.CIDR.IsUnknown() || r.CIDR.IsNull() || length.Min.IsUnknown() || length.Max.IsUnknown() {
				continue
			}
			_, cidr, err := net.ParseCIDR(r.CIDR.ValueString())
			if err != nil {
				continue // reported by the cidr attribute's own validator
			}
			at := path.Root(rl.attr).AtListIndex(i).AtName("prefix_length")
			cidrLen, _ := cidr.Mask.Size()
			lo, hi := birdPrefixRange(cidrLen, rl.family, length.Min.ValueInt64Pointer(), length.Max.ValueInt64Pointer())
			pattern := fmt.Sprintf("%s{%d,%d}", cidr, lo, hi)
			switch {
			case lo > hi:
				diags.AddAttributeWarning(at, "BIRD Will Reject This BGP Filter Rule",
					fmt.Sprintf("Calico stores this rule, but calico-node renders it as the BIRD prefix pattern %s, "+
						"whose shortest length is greater than its longest, and BIRD rejects that pattern (\"Invalid "+
						"prefix pattern range\"). calico-node writes every BGPFilter into every node's BIRD "+
						"configuration, so while this rule exists no node takes a new BIRD configuration, and a node "+
						"whose calico-node restarts starts without one. Set prefix_length.max to at least %d (the larger "+
						"of the CIDR's own length and prefix_length.min).", pattern, lo))
			case !length.Min.IsNull() && length.Min.ValueInt64() < int64(cidrLen):
				diags.AddAttributeWarning(at.AtName("min"), "Prefix Length Below the CIDR's Own",
					fmt.Sprintf("prefix_length.min is %d, but every route inside %s is at least /%d, so the minimum "+
						"has no effect: calico-node matches the pattern %s. Set prefix_length.min to %d or more, or "+
						"leave it out.", length.Min.ValueInt64(), r.CIDR.ValueString(), cidrLen, pattern, cidrLen))
			}
		}
	}
	return diags
}

// birdPrefixRange is the range of prefix lengths of the BIRD pattern calico-node's confd
// renders for a rule (confd's filterMatchPrefixLength, Calico 3.31): the larger of the CIDR's
// own length and min, to the smaller of the family's longest and max.
func birdPrefixRange(cidrLen, family int, minLen, maxLen *int64) (lo, hi int64) {
	lo, hi = int64(cidrLen), 32
	if family == 6 {
		hi = 128
	}
	if minLen != nil && *minLen > lo {
		lo = *minLen
	}
	if maxLen != nil && *maxLen < hi {
		hi = *maxLen
	}
	return lo, hi
}
