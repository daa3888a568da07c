package datasources

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// NewNodes is the calico_nodes data source.
func NewNodes() datasource.DataSource {
	return &nodesDataSource{configuredDataSource{typeName: "nodes"}}
}

type nodesDataSource struct{ configuredDataSource }

var _ datasource.DataSourceWithConfigure = (*nodesDataSource)(nil)

// nodesType is the type of the data source's state.
var nodesType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"selector": tftypes.String, "nodes": tftypes.List{ElementType: nodeFactsType},
}}

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
	selector, sel, ok := readSelector(ctx, req.Config, "selector", &resp.Diagnostics)
	if !ok {
		return
	}
	state, warnings, err := nodesState(ctx, d.client, selector, sel)
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "List", "Nodes", "", err)
		return
	}
	for _, w := range warnings {
		resp.Diagnostics.AddWarning(invalidNodeASSummary, w)
	}
	resp.State.Raw = state
}

// ClusterState returns the data source's state for its configuration, read from the cluster
// through c. The provider's server finds this method by interface and answers reads with it,
// skipping the framework's handling of a value of thousands of nodes; a selector that does not
// parse, or a node whose AS number draws a warning, is left to Read, which says so.
func (d *nodesDataSource) ClusterState(ctx context.Context, c *calico.Client, config tftypes.Value) (tfprotov6.DynamicValue, error) {
	selector, sel, err := configSelector(config, "selector")
	if err != nil {
		return tfprotov6.DynamicValue{}, err
	}
	state, warnings, err := nodesState(ctx, c, selector, sel)
	if err == nil && len(warnings) > 0 {
		err = errWarnings
	}
	if err != nil {
		return tfprotov6.DynamicValue{}, err
	}
	return tfprotov6.NewDynamicValue(state.Type(), state)
}

// errWarnings leaves a read whose state draws warnings to the framework, which reports them.
var errWarnings = errors.New("the read draws warnings")

// nodesState is the data source's state: the facts of every node sel selects, sorted by name,
// and a warning for each node whose own AS number Calico ignores.
func nodesState(ctx context.Context, c *calico.Client, selector types.String, sel *selector.Selector) (tftypes.Value, []string, error) {
	cc, err := loadClusterContext(ctx, c)
	if err != nil {
		return tftypes.Value{}, nil, err
	}
	nodes, warnings := []tftypes.Value{}, []string(nil)
	err = c.Nodes().Each(ctx, func(n *calico.Node) error {
		if !sel.Evaluate(n.SelectorLabels) {
			return nil
		}
		facts, warning := cc.facts(n)
		if warning != "" {
			warnings = append(warnings, warning)
		}
		nodes = append(nodes, facts)
		return nil
	})
	if err != nil {
		return tftypes.Value{}, nil, err
	}
	selectorValue := tftypes.NewValue(tftypes.String, nil)
	if !selector.IsNull() {
		selectorValue = tftypes.NewValue(tftypes.String, selector.ValueString())
	}
	return tftypes.NewValue(nodesType, map[string]tftypes.Value{
		"selector": selectorValue, "nodes": tftypes.NewValue(tftypes.List{ElementType: nodeFactsType}, nodes),
	}), warnings, nil
}
