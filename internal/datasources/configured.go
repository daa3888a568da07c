package datasources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// configuredDataSource is what every data source of the package has in common: its type name
// and the client the provider configured. Each data source embeds it and adds its schema and
// its Read.
type configuredDataSource struct {
	typeName string // without the provider prefix, such as "node"
	client   *calico.Client
}

func (d *configuredDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.typeName
}

func (d *configuredDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = tfcommon.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

// configSelector is the selector a data source's configuration sets in attribute, parsed as
// Calico parses it (all() when unset), from the configuration as Terraform's types
// (ClusterState).
func configSelector(config tftypes.Value, attribute string) (types.String, *selector.Selector, error) {
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		return types.String{}, nil, err
	}
	var raw *string
	if err := attrs[attribute].As(&raw); err != nil {
		return types.String{}, nil, err
	}
	expr := types.StringPointerValue(raw)
	sel, err := validate.ParseSelector(expr)
	return expr, sel, err
}

// readSelector is configSelector from the framework's configuration (Read), with a selector that
// does not parse said on its attribute; ok is false then.
func readSelector(ctx context.Context, config tfsdk.Config, attribute string, diags *diag.Diagnostics) (expr types.String, sel *selector.Selector, ok bool) {
	diags.Append(config.GetAttribute(ctx, path.Root(attribute), &expr)...)
	if diags.HasError() {
		return expr, nil, false
	}
	sel, err := validate.ParseSelector(expr)
	if err != nil {
		summary, detail := tfcommon.DescribeInvalidSelector(err)
		diags.AddAttributeError(path.Root(attribute), summary, detail)
		return expr, nil, false
	}
	return expr, sel, true
}
