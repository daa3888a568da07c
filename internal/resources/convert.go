package resources

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/projectcalico/api/pkg/lib/numorstring"

	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
)

// Conversions between Calico's Go fields and Terraform values. Calico omits empty fields, so
// "unset" and "empty" look alike on the server; the prior value decides which one the user
// wrote, so that neither shows as a diff.

// stringValue maps an optional string field. Calico stores "" for unset. Values in
// serverDefaults are what Calico fills in by itself: they stay null when the user never set them.
func stringValue(s string, prior types.String, serverDefaults ...string) types.String {
	if s == "" || prior.IsNull() && slices.Contains(serverDefaults, s) {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// stringPointer returns nil for a null or empty value.
func stringPointer[S ~string](v types.String) *S {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return nil
	}
	s := S(v.ValueString())
	return &s
}

// stringFromPointer maps an optional enum field such as *v3.BindMode.
func stringFromPointer[S ~string](p *S, prior types.String, serverDefaults ...string) types.String {
	if p == nil {
		return types.StringNull()
	}
	return stringValue(string(*p), prior, serverDefaults...)
}

func boolPointer(v types.Bool) *bool {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	b := v.ValueBool()
	return &b
}

// boolValue maps a non-pointer bool Calico omits when false: false stays null unless the
// user wrote false.
func boolValue(b bool, prior types.Bool) types.Bool {
	if !b && (prior.IsNull() || prior.IsUnknown()) {
		return types.BoolNull()
	}
	return types.BoolValue(b)
}

// asNumberPointer converts a known AS number attribute; errors are reported on attr.
func asNumberPointer(v customtypes.ASNumber, attr path.Path, diags *diag.Diagnostics) *numorstring.ASNumber {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	asn, err := customtypes.ParseASNumber(v.ValueString())
	if err != nil {
		diags.AddAttributeError(attr, "Invalid AS Number", err.Error())
		return nil
	}
	return &asn
}

func boolFromPointer(p *bool) types.Bool {
	if p == nil {
		return types.BoolNull()
	}
	return types.BoolValue(*p)
}

// stringsToList maps a string slice; an empty slice is null unless the user wrote [].
func stringsToList(ctx context.Context, vals []string, prior types.List) (types.List, diag.Diagnostics) {
	if len(vals) == 0 {
		return emptyList(prior, types.StringType), nil
	}
	return types.ListValueFrom(ctx, types.StringType, vals)
}

// listElements reads a known list into a slice of strings or element models.
func listElements[E any](ctx context.Context, l types.List) ([]E, diag.Diagnostics) {
	if l.IsNull() || l.IsUnknown() {
		return nil, nil
	}
	var out []E
	d := l.ElementsAs(ctx, &out, false)
	return out, d
}

// objectsToList maps element models to a list of objects typed as the schema says.
func objectsToList[E any](ctx context.Context, elemType attr.Type, elems []E, prior types.List) (types.List, diag.Diagnostics) {
	if len(elems) == 0 {
		return emptyList(prior, elemType), nil
	}
	return types.ListValueFrom(ctx, elemType, elems)
}

// objectAs reads a known object attribute into its model; null or unknown gives nil.
func objectAs[T any](ctx context.Context, o types.Object, diags *diag.Diagnostics) *T {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	var t T
	diags.Append(o.As(ctx, &t, basetypes.ObjectAsOptions{})...)
	return &t
}

// objectFrom builds an object attribute from its model; nil gives null.
func objectFrom[T any](ctx context.Context, attrTypes map[string]attr.Type, t *T, diags *diag.Diagnostics) types.Object {
	if t == nil {
		return types.ObjectNull(attrTypes)
	}
	o, d := types.ObjectValueFrom(ctx, attrTypes, t)
	diags.Append(d...)
	return o
}

func emptyList(prior types.List, elemType attr.Type) types.List {
	if !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
		return types.ListValueMust(elemType, []attr.Value{})
	}
	return types.ListNull(elemType)
}

func int32Pointer(v types.Int64) *int32 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	n := int32(v.ValueInt64())
	return &n
}

func int64FromPointer[N ~int32 | ~uint8 | ~uint32 | ~int64](p *N) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*p))
}

// convertJSON copies between two types of the same JSON shape, such as a v3 filter rule of
// one family into the other.
func convertJSON(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}
