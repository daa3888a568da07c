package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewNodeBGP is the calico_node_bgp resource.
func NewNodeBGP() resource.Resource {
	return newNodeKeysResource(nodeKeysKind[nodeBGPModel]{
		typeName:        "node_bgp",
		schema:          nodeBGPSchema,
		node:            func(m *nodeBGPModel) *types.String { return &m.Node },
		owned:           ownedByNodeBGP,
		flatten:         flattenNodeBGP,
		keptAnnotations: []string{calico.AnnotationIPv4Address, calico.AnnotationIPv6Address},
	})
}

type nodeBGPModel struct {
	Node        types.String         `tfsdk:"node"`
	ASNumber    customtypes.ASNumber `tfsdk:"as_number"`
	IPv4Address types.String         `tfsdk:"ipv4_address"`
	IPv6Address types.String         `tfsdk:"ipv6_address"`
}

// ownedByNodeBGP: the AS number always; an address only when the configuration sets it.
func ownedByNodeBGP(_ context.Context, m, config *nodeBGPModel) (ownedKeys, diag.Diagnostics) {
	var diags diag.Diagnostics
	o := ownedKeys{Annotations: map[string]string{}}
	if asn := asNumberPointer(m.ASNumber, path.Root("as_number"), &diags); asn != nil {
		o.Annotations[calico.AnnotationASNumber] = asn.String()
	}
	if config != nil && !config.IPv4Address.IsNull() {
		o.Annotations[calico.AnnotationIPv4Address] = m.IPv4Address.ValueString()
	}
	if config != nil && !config.IPv6Address.IsNull() {
		o.Annotations[calico.AnnotationIPv6Address] = m.IPv6Address.ValueString()
	}
	return o, diags
}

func flattenNodeBGP(_ context.Context, n *calico.Node, m *nodeBGPModel) diag.Diagnostics {
	setting := func(key string) types.String {
		if v, ok := n.Settings[key]; ok {
			return types.StringValue(v)
		}
		return types.StringNull()
	}
	m.Node = types.StringValue(n.Name)
	m.ASNumber = customtypes.NullCanonicalString[customtypes.ASNumberFormat]()
	if v, ok := n.Settings[calico.AnnotationASNumber]; ok {
		m.ASNumber = customtypes.NewCanonicalString[customtypes.ASNumberFormat](v)
	}
	m.IPv4Address = setting(calico.AnnotationIPv4Address)
	m.IPv6Address = setting(calico.AnnotationIPv6Address)
	return nil
}

func nodeBGPSchema() schema.Schema {
	address := func(family int, example string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: "The node's BGP address with its prefix length, such as `" + example + "` (the " +
				"Node annotation `projectcalico.org/IPv" + map[int]string{4: "4", 6: "6"}[family] + "Address`, or " +
				"`spec.bgp.ipv" + map[int]string{4: "4", 6: "6"}[family] + "Address` of the Calico Node on etcd). " +
				"When not set, this shows what calico-node detected and the provider leaves it to calico-node. " +
				"The provider never removes an address, even on destroy: that would break the node's sessions.",
			Validators:    []validator.String{validate.InterfaceAddress(family)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	return schema.Schema{
		MarkdownDescription: "A node's own BGP identity, for designs with one AS per rack: its AS number (the Node " +
			"annotation `projectcalico.org/ASNumber`, or `spec.bgp.asNumber` of the Calico Node on etcd, overriding " +
			"the cluster's in `calico_bgp_configuration`) and, optionally, its BGP addresses.\n\n" +
			"The resource owns only the settings it sets. Destroying it removes the AS number (the node then uses " +
			"the cluster's) and leaves the addresses. If calico-node's `AS` environment variable is also set, " +
			"calico-node rewrites the AS number when it starts: set the AS in one place only. It can manage the same " +
			"node as `calico_node_rr`.",
		Attributes: map[string]schema.Attribute{
			"node": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the node (the Kubernetes Node, or the Calico Node on etcd). Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{validate.Name()},
			},
			"as_number": schema.StringAttribute{
				CustomType:          customtypes.ASNumberType{},
				Required:            true,
				MarkdownDescription: "The node's AS number: a number (`64512`) or asdot (`\"1.10\"`), kept as written.",
			},
			"ipv4_address": address(4, "10.0.0.5/24"),
			"ipv6_address": address(6, "fd00::5/64"),
		},
	}
}
