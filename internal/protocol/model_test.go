package protocol

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
)

var testSchema = schema.Schema{Attributes: map[string]schema.Attribute{
	"name":      schema.StringAttribute{Required: true},
	"as_number": schema.StringAttribute{Optional: true, CustomType: customtypes.ASNumberType{}},
	"count":     schema.Int64Attribute{Optional: true},
	"enabled":   schema.BoolAttribute{Computed: true},
	"filters":   schema.ListAttribute{Optional: true, ElementType: types.StringType},
	"secret_ref": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
		"name": schema.StringAttribute{Required: true},
	}},
}}

type flatModel struct {
	Name      types.String         `tfsdk:"name"`
	ASNumber  customtypes.ASNumber `tfsdk:"as_number"`
	Count     types.Int64          `tfsdk:"count"`
	Enabled   types.Bool           `tfsdk:"enabled"`
	Filters   types.List           `tfsdk:"filters"`
	SecretRef types.Object         `tfsdk:"secret_ref"`
}

type secretRef struct {
	Name types.String `tfsdk:"name"`
}

// nestedModel has a struct field: the framework converts it.
type nestedModel struct {
	Name      types.String         `tfsdk:"name"`
	ASNumber  customtypes.ASNumber `tfsdk:"as_number"`
	Count     types.Int64          `tfsdk:"count"`
	Enabled   types.Bool           `tfsdk:"enabled"`
	Filters   []string             `tfsdk:"filters"`
	SecretRef *secretRef           `tfsdk:"secret_ref"`
}

func TestModelLayout(t *testing.T) {
	ctx := context.Background()
	if layoutOf[flatModel](ctx, testSchema) == nil {
		t.Error("flatModel: no layout, want one (every field is a framework value)")
	}
	if layoutOf[nestedModel](ctx, testSchema) != nil {
		t.Error("nestedModel: got a layout, want none (the framework converts struct and slice fields)")
	}
	type missing struct {
		Name types.String `tfsdk:"name"`
	}
	if layoutOf[missing](ctx, testSchema) != nil {
		t.Error("a model without every attribute: got a layout, want none")
	}
}

// The fast path must produce what the framework's Get and Set produce, for known, null and
// unknown values alike.
func TestModelMatchesFramework(t *testing.T) {
	ctx := context.Background()
	objectType := testSchema.Type().TerraformType(ctx)
	attrTypes := objectType.(tftypes.Object).AttributeTypes
	refType := attrTypes["secret_ref"]
	values := map[string]map[string]tftypes.Value{
		"known": {
			"name":       tftypes.NewValue(tftypes.String, "p1"),
			"as_number":  tftypes.NewValue(tftypes.String, "1.10"),
			"count":      tftypes.NewValue(tftypes.Number, 3),
			"enabled":    tftypes.NewValue(tftypes.Bool, true),
			"filters":    tftypes.NewValue(attrTypes["filters"], []tftypes.Value{tftypes.NewValue(tftypes.String, "f")}),
			"secret_ref": tftypes.NewValue(refType, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "s")}),
		},
		"null and unknown": {
			"name":       tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"as_number":  tftypes.NewValue(tftypes.String, nil),
			"count":      tftypes.NewValue(tftypes.Number, nil),
			"enabled":    tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue),
			"filters":    tftypes.NewValue(attrTypes["filters"], tftypes.UnknownValue),
			"secret_ref": tftypes.NewValue(refType, nil),
		},
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			state := tfsdk.State{Schema: testSchema, Raw: tftypes.NewValue(objectType, v)}
			var fast, framework flatModel
			if diags := GetState(ctx, state, &fast); diags.HasError() {
				t.Fatalf("GetState: %v", diags)
			}
			if diags := state.Get(ctx, &framework); diags.HasError() {
				t.Fatalf("framework Get: %v", diags)
			}
			if !reflect.DeepEqual(fast, framework) {
				t.Fatalf("GetState read\n%+v\nthe framework reads\n%+v", fast, framework)
			}
			written := tfsdk.State{Schema: testSchema, Raw: tftypes.NewValue(objectType, nil)}
			if diags := SetState(ctx, &written, &fast); diags.HasError() {
				t.Fatalf("SetState: %v", diags)
			}
			if !written.Raw.Equal(state.Raw) {
				t.Errorf("SetState wrote\n%s\nwant\n%s", written.Raw, state.Raw)
			}
		})
	}
}

func TestModelFallsBackToFramework(t *testing.T) {
	ctx := context.Background()
	state := tfsdk.State{Schema: testSchema, Raw: tftypes.NewValue(testSchema.Type().TerraformType(ctx), nil)}
	in := nestedModel{
		Name: types.StringValue("p1"), ASNumber: customtypes.NullCanonicalString[customtypes.ASNumberFormat](), Count: types.Int64Value(2),
		Enabled: types.BoolValue(false), Filters: []string{"a", "b"}, SecretRef: &secretRef{Name: types.StringValue("s")},
	}
	if diags := SetState(ctx, &state, &in); diags.HasError() {
		t.Fatalf("SetState: %v", diags)
	}
	var out nestedModel
	if diags := GetState(ctx, state, &out); diags.HasError() {
		t.Fatalf("GetState: %v", diags)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip through the framework: got %+v, want %+v", out, in)
	}
}

// A value of the wrong type is reported by the framework, not written.
func TestSetStateRejectsMismatchedValues(t *testing.T) {
	ctx := context.Background()
	state := tfsdk.State{Schema: testSchema, Raw: tftypes.NewValue(testSchema.Type().TerraformType(ctx), nil)}
	m := flatModel{
		Name: types.StringValue("p1"), ASNumber: customtypes.NullCanonicalString[customtypes.ASNumberFormat](), Count: types.Int64Null(), Enabled: types.BoolNull(),
		Filters:   types.ListValueMust(types.Int64Type, []attr.Value{types.Int64Value(1)}),
		SecretRef: types.ObjectNull(map[string]attr.Type{"name": types.StringType}),
	}
	diags := SetState(ctx, &state, &m)
	if !diags.HasError() {
		t.Fatal("SetState with a list of numbers for a list of strings: no error")
	}
	if !state.Raw.IsNull() {
		t.Errorf("the state was written: %s", state.Raw)
	}
}

// With the shortcuts switched off, every model goes through the framework's own conversion.
func TestModelLayoutSwitchedOff(t *testing.T) {
	ctx := context.Background()
	SetSwitchForTest(t, "off")
	if layoutOf[flatModel](ctx, testSchema) != nil {
		t.Errorf("%s=off: a model is still converted without the framework", Switch)
	}
	SetSwitchForTest(t, "")
	if layoutOf[flatModel](ctx, testSchema) == nil {
		t.Errorf("the switch unset: the flat model is not converted directly")
	}
}
