// Command frameworkfloor serves the calico provider's resources through terraform-plugin-framework
// with their schemas (attribute validators, defaults and plan modifiers included) but none of
// the provider's own work: no datastore, no validation or plan of its own, no shortcuts. A create
// or update stores what was planned; a read keeps the state. make bench applies, plans and
// destroys with it to measure what the framework itself spends on these resources, between the
// idle provider (the plugin protocol alone) and the provider.
package main

import (
	"context"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	calicoprovider "github.com/calico-tf/terraform-provider-calico/internal/provider"
)

func main() {
	// Served as the provider serves its own resources (each request's context released when it
	// ends), without the shortcuts, which have nothing recorded to answer from.
	_ = os.Setenv(protocol.Switch, "off")
	// And in the provider's process settings (main.go): the plugin SDK's loggers off, the
	// garbage collector at 200 %.
	for _, v := range []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		_ = os.Setenv(v, "off")
	}
	debug.SetGCPercent(200)
	p := floorProvider{calicoprovider.New("framework-floor")}
	serve := func() tfprotov6.ProviderServer { return protocol.New(p, func() *calico.Client { return nil }) }
	if err := tf6server.Serve("registry.terraform.io/calico-tf/calico", serve); err != nil {
		log.Fatal(err)
	}
}

// floorProvider is the provider's metadata and schema, configured with nothing, serving its
// resources as floorResources and no data source.
type floorProvider struct{ inner provider.Provider }

func (p floorProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.inner.Metadata(ctx, req, resp)
}

func (p floorProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.inner.Schema(ctx, req, resp)
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (p floorProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newResource := range p.inner.Resources(ctx) {
		out = append(out, func() resource.Resource { return floorResource{newResource()} })
	}
	return out
}

// floorResource is a resource's metadata and schema, storing what was planned.
type floorResource struct{ inner resource.Resource }

func (r floorResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.inner.Metadata(ctx, req, resp)
}

func (r floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.inner.Schema(ctx, req, resp)
}

func (floorResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (floorResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// known is v with every value the plan left unknown (computed attributes) null.
func known(v tftypes.Value) tftypes.Value {
	out, _ := tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	return out
}
