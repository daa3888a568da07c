package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewNodeRouteReflector is the calico_node_rr resource.
func NewNodeRouteReflector() resource.Resource {
	return newNodeKeysResource(nodeKeysKind[nodeRRModel]{
		typeName: "node_rr",
		schema:   nodeRRSchema,
		node:     func(m *nodeRRModel) *types.String { return &m.Node },
		owned:    ownedByNodeRR,
		flatten:  flattenNodeRR,
	})
}

type nodeRRModel struct {
	Node      types.String `tfsdk:"node"`
	ClusterID types.String `tfsdk:"cluster_id"`
	Labels    types.Map    `tfsdk:"labels"`
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

func nodeRRSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Makes a node a BGP route reflector: sets its route-reflector cluster ID (the Node " +
			"annotation `projectcalico.org/RouteReflectorClusterID`; where Calico keeps its objects in etcd, " +
			"`spec.bgp.routeReflectorClusterID` of the Calico Node) and labels it so that peers can select it " +
			"(`peer_selector = \"route-reflector == 'true'\"`).\n\n" +
			"The resource owns exactly that setting and the label keys in `labels`: other annotations, fields and " +
			"labels of the node (calico-node's addresses, kubelet's labels, yours) are never changed, and only " +
			"changes to its own keys show as drift. Destroying it removes just those keys. It can manage the same node as " +
			"`calico_node_bgp`.",
		Attributes: map[string]schema.Attribute{
			"node": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the node (the Kubernetes Node, or the Calico Node on etcd). Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{validate.Name()},
			},
			"cluster_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Route-reflector cluster ID, in IPv4 dotted form as Calico requires (such as " +
					"`244.0.0.1`). Reflectors that back each other up share one ID.",
				Validators: []validator.String{validate.IPv4Address()},
			},
			"labels": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default: mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{
					routeReflectorLabel: types.StringValue("true")})),
				MarkdownDescription: "Labels put on the Node so that BGP peers can select it. Defaults to " +
					"`{ \"route-reflector\" = \"true\" }`.",
				Validators: []validator.Map{
					mapvalidator.KeysAre(validate.LabelKey()),
					mapvalidator.ValueStringsAre(validate.LabelValue()),
				},
			},
		},
	}
}
