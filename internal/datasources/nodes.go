package datasources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewNodes is the calico_nodes data source.
func NewNodes() datasource.DataSource {
	return &nodesDataSource{configuredDataSource{typeName: "nodes"}}
}

type nodesDataSource struct{ configuredDataSource }

var _ datasource.DataSourceWithConfigure = (*nodesDataSource)(nil)

type nodesModel struct {
	Selector types.String `tfsdk:"selector"`
	Nodes    []nodeFacts  `tfsdk:"nodes"`
}

func (d *nodesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "All Calico nodes, or those whose labels match a Calico selector (evaluated the way " +
			"Calico evaluates BGP peer selectors), with the same facts as `calico_node`. Nodes are read in pages, so " +
			"clusters of thousands of nodes stay fast and use little memory.",
		Attributes: map[string]schema.Attribute{
			"selector": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Calico selector over node labels, such as `route-reflector == 'true'` or " +
					"`rack in {'r1', 'r2'}`. All nodes when not set.",
				Validators: []validator.String{validate.Selector()},
			},
			"nodes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matching nodes, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: nodeFactAttributes(schema.StringAttribute{
					Computed: true, MarkdownDescription: "Name of the node.",
				})},
			},
		},
	}
}

func (d *nodesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m nodesModel
	resp.Diagnostics.Append(protocol.GetConfig(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sel, err := validate.ParseSelector(m.Selector)
	if err != nil {
		summary, detail := tfcommon.DescribeInvalidSelector(err)
		resp.Diagnostics.AddAttributeError(path.Root("selector"), summary, detail)
		return
	}
	cc, err := loadClusterContext(ctx, d.client)
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", "cluster BGP settings", "", err)
		return
	}
	m.Nodes = []nodeFacts{}
	err = d.client.Nodes().Each(ctx, func(n *calico.Node) error {
		if !sel.Evaluate(n.SelectorLabels) {
			return nil
		}
		facts, diags := cc.facts(ctx, n)
		resp.Diagnostics.Append(diags...)
		m.Nodes = append(m.Nodes, facts)
		return nil
	})
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "List", "Nodes", "", err)
		return
	}
	resp.Diagnostics.Append(protocol.SetState(ctx, &resp.State, &m)...)
}
