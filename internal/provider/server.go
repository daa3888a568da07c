package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
)

// NewServer returns a constructor for the provider's protocol 6 server, as served by main and
// by the acceptance tests: terraform-plugin-framework's server behind the provider's protocol
// shortcuts (package protocol), which need the client Configure built.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &calicoProvider{version: version}
		return protocol.New(p, p.client.Load)
	}
}

// New returns the provider as terraform-plugin-framework sees it, without the shortcuts in
// front: make bench builds the framework's own floor from its schemas (hack/bench/frameworkfloor).
func New(version string) provider.Provider {
	return &calicoProvider{version: version}
}
