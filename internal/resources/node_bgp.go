package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
)

// NewNodeBGP is the calico_node_bgp resource.
func NewNodeBGP() resource.Resource {
	return newNodeKeysResource(nodeKeysMapping[nodeBGPModel]{
		typeName:        "node_bgp",
		schema:          nodeBGPSchema,
		node:            func(m *nodeBGPModel) *types.String { return &m.Node },
		owned:           ownedByNodeBGP,
		flatten:         flattenNodeBGP,
		keptAnnotations: []string{calico.AnnotationIPv4Address, calico.AnnotationIPv6Address},
		listedNodes:     "that have their own AS number",
		// calico-node writes the addresses of every node, so most nodes have addresses and no
		// AS number of their own (they use the global one): such a node is not what this
		// resource manages, and the resource, whose as_number is required, cannot represent it.
		listed: func(n *calico.Node) bool {
			_, ok := n.Settings[calico.AnnotationASNumber]
			return ok
		},
		unlisted: func(m *nodeBGPModel) {
			// calico-node detects and writes a node's addresses: a generated configuration that
			// set them would pin them, and later revert calico-node's own changes. Imported
			// without them, they stay in state as calico-node keeps them.
			m.IPv4Address, m.IPv6Address = types.StringNull(), types.StringNull()
		},
	})
}

type nodeBGPModel struct {
	Node         types.String         `tfsdk:"node"`
	ASNumber     customtypes.ASNumber `tfsdk:"as_number"`
	IPv4Address  types.String         `tfsdk:"ipv4_address"`
	IPv6Address  types.String         `tfsdk:"ipv6_address"`
	SessionGuard types.Object         `tfsdk:"session_guard"`
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
