package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// NewNodeRR is the calico_node_rr resource.
func NewNodeRR() resource.Resource {
	return newNodeKeysResource(nodeKeysMapping[nodeRRModel]{
		typeName:    "node_rr",
		schema:      nodeRRSchema,
		node:        func(m *nodeRRModel) *types.String { return &m.Node },
		owned:       ownedByNodeRR,
		flatten:     flattenNodeRR,
		listedNodes: "that have a route-reflector cluster ID",
		listed: func(n *calico.Node) bool {
			_, ok := n.Settings[calico.AnnotationRouteReflectorClusterID]
			return ok
		},
	})
}

type nodeRRModel struct {
	Node         types.String `tfsdk:"node"`
	ClusterID    types.String `tfsdk:"cluster_id"`
	Labels       types.Map    `tfsdk:"labels"`
	SessionGuard types.Object `tfsdk:"session_guard"`
}

const routeReflectorLabel = "route-reflector"

func ownedByNodeRR(ctx context.Context, m, _ *nodeRRModel) (ownedKeys, diag.Diagnostics) {
	o := ownedKeys{Annotations: map[string]string{calico.AnnotationRouteReflectorClusterID: m.ClusterID.ValueString()}}
	var diags diag.Diagnostics
	if !m.Labels.IsNull() && !m.Labels.IsUnknown() {
		diags = m.Labels.ElementsAs(ctx, &o.Labels, false)
	}
	return o, diags
}

func flattenNodeRR(ctx context.Context, n *calico.Node, m *nodeRRModel) diag.Diagnostics {
	m.Node = types.StringValue(n.Name)
	m.ClusterID = types.StringNull()
	if id, ok := n.Settings[calico.AnnotationRouteReflectorClusterID]; ok {
		m.ClusterID = types.StringValue(id)
	}
	// Only the label keys this resource manages are read back; after an import that is the
	// default route-reflector label.
	keys := []string{routeReflectorLabel}
	if !m.Labels.IsNull() && !m.Labels.IsUnknown() {
		keys = keys[:0]
		for k := range m.Labels.Elements() {
			keys = append(keys, k)
		}
	}
	labels := map[string]attr.Value{}
	for _, k := range keys {
		if v, ok := n.Labels[k]; ok {
			labels[k] = types.StringValue(v)
		}
	}
	var diags diag.Diagnostics
	m.Labels, diags = types.MapValue(types.StringType, labels)
	return diags
}
