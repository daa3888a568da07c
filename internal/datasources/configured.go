package datasources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
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
