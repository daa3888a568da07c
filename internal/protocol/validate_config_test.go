package protocol_test

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
)

// The server's own validation of a configuration is the framework's, diagnostic for diagnostic,
// for every resource type it answers: each attribute alone and every pair of attributes set to
// values valid and invalid, on a configuration with its required attributes set and on one
// with none set, unknown values, nested objects, write-only values with and without the
// client's support, before and after the provider is configured. A type of the test's own
// covers deprecations, which the provider's types have none of.
func TestValidateConfigMatchesFramework(t *testing.T) {
	protocol.SetSwitchForTest(t, "")
	deprecated := protocol.TestProvider{TypeName: "probe", ResourceTypes: []func() resource.Resource{
		func() resource.Resource { return deprecatedResource{} },
	}}
	for _, tc := range []struct {
		name   string
		server *protocol.Server
		want   string // a type the server must validate itself
	}{
		{"unconfigured", newTestServer(), "calico_bgp_peer"},
		{"configured", newConfiguredTestServer(t, calico.NewUnknownClient()), "calico_bgp_peer"},
		{"deprecations", protocol.New(deprecated, func() *calico.Client { return nil }), "probe_deprecated"},
	} {
		t.Run(tc.name, func(t *testing.T) { sameValidations(t, tc.server, tc.want) })
	}
}

func sameValidations(t *testing.T, server *protocol.Server, want string) {
	ctx := context.Background()
	var answered bool
	server.Observe = func(rpc, _ string) { answered = answered || rpc == "ValidateResourceConfig" }
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	own, refused := map[string]int{}, map[string]int{}
	for _, typeName := range slices.Sorted(mapKeys(schemas.ResourceSchemas)) {
		typ := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object)
		required := map[string]bool{}
		for _, a := range schemas.ResourceSchemas[typeName].Block.Attributes {
			required[a.Name] = a.Required
		}
		for _, config := range configsOf(typ, required) {
			for _, writeOnlyAllowed := range []bool{false, true} {
				value, err := tfprotov6.NewDynamicValue(typ, config)
				if err != nil {
					t.Fatal(err)
				}
				req := &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &value}
				if writeOnlyAllowed {
					req.ClientCapabilities = &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true}
				}
				framework, err := server.ProviderServer.ValidateResourceConfig(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				answered = false
				ours, err := server.ValidateResourceConfig(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if answered {
					own[typeName]++
					for _, d := range framework.Diagnostics {
						if d.Severity == tfprotov6.DiagnosticSeverityError {
							refused[typeName]++
							break
						}
					}
				}
				if got, want := diagnosticSet(ours.Diagnostics), diagnosticSet(framework.Diagnostics); !slices.Equal(got, want) {
					t.Errorf("%s (write-only allowed %v) %v:\n own       %q\n framework %q", typeName, writeOnlyAllowed, config, got, want)
				}
			}
		}
	}
	if own[want] == 0 || refused[want] == 0 || refused[want] == own[want] {
		t.Errorf("the server validated %d %s configurations itself, %d of them refused; want some of each", own[want], want, refused[want])
	}
	t.Logf("validated by the server itself: %v, of which refused: %v", own, refused)
}

// deprecatedResource is a resource type whose schema, an attribute and a nested attribute are
// deprecated.
type deprecatedResource struct{}

func (deprecatedResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deprecated"
}

func (deprecatedResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{DeprecationMessage: "Use something else.", Attributes: map[string]schema.Attribute{
		"name": schema.StringAttribute{Required: true},
		"old":  schema.StringAttribute{Optional: true, DeprecationMessage: "Use name.", Validators: []validator.String{stringvalidator.LengthAtLeast(2)}},
		"nested": schema.SingleNestedAttribute{Optional: true, DeprecationMessage: "Use name.", Attributes: map[string]schema.Attribute{
			"inner": schema.StringAttribute{Required: true, DeprecationMessage: "Gone.", Validators: []validator.String{stringvalidator.OneOf("tor-1")}},
		}},
	}}
}

func (deprecatedResource) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (deprecatedResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (deprecatedResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (deprecatedResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// diagnosticSet is the diagnostics in an order of their own: the framework's follows the
// schema's map of attributes, so it varies from run to run.
func diagnosticSet(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		at := ""
		if d.Attribute != nil {
			at = d.Attribute.String()
		}
		out = append(out, fmt.Sprintf("%v|%s|%s|%s", d.Severity, at, d.Summary, d.Detail))
	}
	slices.Sort(out)
	return out
}

// configsOf is configurations of typ: all null; and, on a base that sets each required
// attribute to its first candidate value, each attribute alone set to each of its candidate
// values, and each pair of attributes set to their first or second candidates.
func configsOf(typ tftypes.Object, required map[string]bool) []tftypes.Value {
	names := slices.Sorted(mapKeys(typ.AttributeTypes))
	with := func(base, set map[string]tftypes.Value) tftypes.Value {
		attrs := map[string]tftypes.Value{}
		for _, name := range names {
			attrs[name] = tftypes.NewValue(typ.AttributeTypes[name], nil)
			if v, ok := base[name]; ok {
				attrs[name] = v
			}
			if v, ok := set[name]; ok {
				attrs[name] = v
			}
		}
		return tftypes.NewValue(typ, attrs)
	}
	base := map[string]tftypes.Value{}
	for _, name := range names {
		if required[name] {
			base[name] = candidates(typ.AttributeTypes[name])[0]
		}
	}
	configs := []tftypes.Value{with(nil, nil), with(base, nil)}
	for _, name := range names {
		for _, v := range candidates(typ.AttributeTypes[name]) {
			configs = append(configs, with(base, map[string]tftypes.Value{name: v}))
		}
	}
	for i, a := range names {
		for _, b := range names[i+1:] {
			ca, cb := candidates(typ.AttributeTypes[a]), candidates(typ.AttributeTypes[b])
			for k := range min(2, len(ca), len(cb)) {
				configs = append(configs, with(base, map[string]tftypes.Value{a: ca[k], b: cb[k]}))
			}
		}
	}
	return configs
}

// candidates is values of t, known ones first, that Calico's rules and the schema's validators
// accept and refuse.
func candidates(t tftypes.Type) []tftypes.Value {
	unknown := tftypes.NewValue(t, tftypes.UnknownValue)
	switch {
	case t.Is(tftypes.String):
		var out []tftypes.Value
		for _, s := range []string{"tor-1", "10.0.0.1", "Bad_Name", "", "has((", "!has(rr)", "65001", "1.5", "4294967296", "5m", "fd00::1", "Keep", "Automatic"} {
			out = append(out, tftypes.NewValue(t, s))
		}
		return append(out, unknown)
	case t.Is(tftypes.Number):
		var out []tftypes.Value
		for _, n := range []int64{1, -1, 0, 300, 70000, 1 << 40} {
			out = append(out, tftypes.NewValue(t, big.NewFloat(float64(n))))
		}
		return append(out, unknown)
	case t.Is(tftypes.Bool):
		return []tftypes.Value{tftypes.NewValue(t, true), tftypes.NewValue(t, false), unknown}
	case t.Is(tftypes.List{}):
		elem := t.(tftypes.List).ElementType
		var out []tftypes.Value
		for _, e := range candidates(elem) {
			out = append(out, tftypes.NewValue(t, []tftypes.Value{e}))
		}
		return append(out, tftypes.NewValue(t, []tftypes.Value{}), unknown)
	case t.Is(tftypes.Map{}):
		elem := t.(tftypes.Map).ElementType
		var out []tftypes.Value
		for i, e := range candidates(elem) {
			out = append(out, tftypes.NewValue(t, map[string]tftypes.Value{fmt.Sprint("key-", i): e}))
		}
		return append(out, tftypes.NewValue(t, map[string]tftypes.Value{"Bad Key!": candidates(elem)[0]}), unknown)
	case t.Is(tftypes.Object{}):
		out := configsOf(t.(tftypes.Object), nil)
		return append(out, unknown)
	}
	return []tftypes.Value{unknown}
}
