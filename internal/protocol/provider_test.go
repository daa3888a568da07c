package protocol_test

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/datasources"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	"github.com/calico-tf/terraform-provider-calico/internal/resources"
)

// The tests of this file's package serve the provider's own resources and data sources, which
// import package protocol for the model conversion: they are outside it, and see its inside
// through export_test.go.

// testProvider offers the provider's resources and data sources with an empty provider
// schema (package provider imports this one, so its tests cannot use it).
type testProvider struct{}

func (testProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName, resp.Version = "calico", "test"
}

func (testProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (testProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (testProvider) Resources(context.Context) []func() resource.Resource { return resources.All() }

func (testProvider) DataSources(context.Context) []func() datasource.DataSource {
	return datasources.All()
}

// newTestServer is the server for testProvider, with no client configured.
func newTestServer() *protocol.Server {
	return protocol.New(testProvider{}, func() *calico.Client { return nil })
}

// catalogOf is the catalog the server finds in p: its type names, as keys.
func catalogOf(p provider.Provider, providerTypeName string) (c struct{ objects, clusterStates map[string]bool }) {
	c.objects, c.clusterStates = protocol.CatalogOf(p, providerTypeName)
	return c
}
