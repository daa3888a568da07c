package protocol

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// TestProvider is a provider with an empty schema and nothing to configure, named TypeName, that
// offers the given resources, data sources and list resources. The tests of this package serve it
// with the probe types (probeProvider); those of package protocol_test with the provider's own
// resources and data sources, as package provider imports this one and its tests cannot reach
// the provider itself.
type TestProvider struct {
	TypeName          string
	ResourceTypes     []func() resource.Resource
	DataSourceTypes   []func() datasource.DataSource
	ListResourceTypes []func() list.ListResource
	// Client, when set, is what the provider's configuration gives its resources and data
	// sources.
	Client *calico.Client
}

func (p TestProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName, resp.Version = p.TypeName, "test"
}

func (TestProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p TestProvider) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	if p.Client != nil {
		resp.ResourceData, resp.DataSourceData = p.Client, p.Client
	}
}

func (p TestProvider) Resources(context.Context) []func() resource.Resource { return p.ResourceTypes }

func (p TestProvider) DataSources(context.Context) []func() datasource.DataSource {
	return p.DataSourceTypes
}

func (p TestProvider) ListResources(context.Context) []func() list.ListResource {
	return p.ListResourceTypes
}

// probeProvider has a resource, a data source and a list resource, all probe_thing, that need
// no cluster.
// The resource's Create sets probeKey in private state, and its Read stores what GetKey returns
// for "shortcut_key" in its attribute seen. As an objectResource it says that the object
// probeKey records is live at resourceVersion "1"; the data source's cluster state is constant.
var probeProvider = TestProvider{
	TypeName:          "probe",
	ResourceTypes:     []func() resource.Resource{func() resource.Resource { return probeResource{} }},
	DataSourceTypes:   []func() datasource.DataSource{func() datasource.DataSource { return probeDataSource{} }},
	ListResourceTypes: []func() list.ListResource{func() list.ListResource { return probeList{} }},
}

// newProbeServer is the server for probeProvider, with a configured client (which the probe
// types never use).
func newProbeServer() *Server {
	client := calico.NewClient(calico.Config{})
	return New(probeProvider, func() *calico.Client { return client })
}

// newServerOf is the server for a provider of one resource type, r's, with a configured client
// (which the probe types never use).
func newServerOf(r resource.Resource) *Server {
	client := calico.NewClient(calico.Config{})
	return New(TestProvider{TypeName: "probe", ResourceTypes: []func() resource.Resource{func() resource.Resource { return r }}},
		func() *calico.Client { return client })
}

const probeKey = "probe_key"

// probeRecord is what the probe resource records under probeKey.
var probeRecord = []byte(`{"name":"n","resourceVersion":"1"}`)

// probeType is the type of probe_thing's state and configuration, resource and data source.
var probeType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"seen": tftypes.String}}

// probeValue is a probe_thing state or configuration whose seen is seen (nil: null).
func probeValue(t *testing.T, seen any) *tfprotov6.DynamicValue {
	t.Helper()
	v, err := tfprotov6.NewDynamicValue(probeType, tftypes.NewValue(probeType, map[string]tftypes.Value{
		"seen": tftypes.NewValue(tftypes.String, seen),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

// probeNull is the null probe_thing state, before a create.
func probeNull(t *testing.T) *tfprotov6.DynamicValue {
	t.Helper()
	v, err := tfprotov6.NewDynamicValue(probeType, tftypes.NewValue(probeType, nil))
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

type probeModel struct {
	Seen types.String `tfsdk:"seen"`
}

type probeResource struct{}

func (probeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (probeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"seen": schema.StringAttribute{Computed: true}}}
}

func (probeResource) Create(ctx context.Context, _ resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, probeKey, probeRecord)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, probeModel{Seen: types.StringValue("")})...)
}

func (probeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	value, diags := req.Private.GetKey(ctx, "shortcut_key")
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, probeModel{Seen: types.StringValue(string(value))})...)
}

func (probeResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}

func (probeResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func (probeResource) RecordedObject(getKey func(key string) []byte) (name, resourceVersion string, ok bool) {
	var record struct{ Name, ResourceVersion string }
	if json.Unmarshal(getKey(probeKey), &record) != nil {
		return "", "", false
	}
	return record.Name, record.ResourceVersion, true
}

func (probeResource) LiveResourceVersion(context.Context, *calico.Client, string) (string, error) {
	return "1", nil
}

type probeDataSource struct{}

func (probeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (probeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = dsschema.Schema{Attributes: map[string]dsschema.Attribute{"seen": dsschema.StringAttribute{Computed: true}}}
}

func (probeDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(resp.State.Set(ctx, probeModel{Seen: types.StringValue("framework")})...)
}

func (probeDataSource) ClusterState(context.Context, *calico.Client, tftypes.Value) (tfprotov6.DynamicValue, error) {
	return tfprotov6.NewDynamicValue(probeType, tftypes.NewValue(probeType, map[string]tftypes.Value{"seen": tftypes.NewValue(tftypes.String, "shortcut")}))
}

// probeList streams one result, a warning that says whether the request's context was still
// live when the stream was read (whether it still held probeRequestKey): probeListLive when it
// was.
type probeList struct{}

// probeRequestKey is the key of a value that a test puts in the context of its requests.
type probeRequestKey struct{}

const probeListLive = "request context live"

func (probeList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (probeList) ListResourceConfigSchema(context.Context, list.ListResourceSchemaRequest, *list.ListResourceSchemaResponse) {
}

func (probeList) List(ctx context.Context, _ list.ListRequest, out *list.ListResultsStream) {
	out.Results = func(push func(list.ListResult) bool) {
		var r list.ListResult
		if ctx.Value(probeRequestKey{}) != nil {
			r.Diagnostics.AddWarning(probeListLive, "")
		} else {
			r.Diagnostics.AddWarning("request context ended", "")
		}
		push(r)
	}
}
