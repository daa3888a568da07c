package datasources

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewNode is the calico_node data source.
func NewNode() datasource.DataSource { return &nodeDataSource{configuredDataSource{typeName: "node"}} }

type nodeDataSource struct{ configuredDataSource }

var _ datasource.DataSourceWithConfigure = (*nodeDataSource)(nil)

func (d *nodeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Calico node's BGP facts: effective AS number and where it comes from, BGP addresses, " +
			"route-reflector role, labels as Calico selectors see them, and, when calico-node reports it (see " +
			"`calico_node_status`), the live state of its BGP sessions.",
		Attributes: nodeFactAttributes(schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Name of the node (the Kubernetes Node, or the Calico Node on etcd).",
			Validators:          []validator.String{validate.Name()},
		}),
	}
}

func (d *nodeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	n, err := d.client.Nodes().Get(ctx, name.ValueString())
	if errors.Is(err, calico.ErrNotFound) {
		tfcommon.AddAttributeAPIError(&resp.Diagnostics, path.Root("name"), "Read", "Node", name.ValueString(), err)
		return
	}
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", "Node", name.ValueString(), err)
		return
	}
	cc, err := loadClusterContext(ctx, d.client)
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", "BGP settings of node", name.ValueString(), err)
		return
	}
	facts, warning := cc.facts(n)
	if warning != "" {
		resp.Diagnostics.AddWarning(invalidNodeASSummary, warning)
	}
	resp.State.Raw = facts
}
