package protocol_test

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/datasources"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	"github.com/calico-tf/terraform-provider-calico/internal/resources"
)

// The tests of this file's package serve the provider's own resources and data sources, which
// import package protocol for the model conversion: they are outside it, and see its inside
// through export_test.go and helpers_test.go.

// testProvider offers the provider's resources and data sources with an empty provider schema.
var testProvider = protocol.TestProvider{TypeName: "calico", ResourceTypes: resources.All(), DataSourceTypes: datasources.All()}

// newTestServer is the server for testProvider, with no client configured.
func newTestServer() *protocol.Server {
	return protocol.New(testProvider, func() *calico.Client { return nil })
}

// catalogOf is the catalog the server finds in p: its type names, as keys.
func catalogOf(p provider.Provider, providerTypeName string) (c struct{ objects, clusterStates map[string]bool }) {
	c.objects, c.clusterStates = protocol.CatalogOf(p, providerTypeName)
	return c
}
