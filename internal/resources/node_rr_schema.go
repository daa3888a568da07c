package resources

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

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
			"session_guard": sessionGuardAttribute(),
			"node":          nodeAttribute(),
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
