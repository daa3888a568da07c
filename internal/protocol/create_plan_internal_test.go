package protocol

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// Each condition under which the framework's steps change a new resource's proposal keeps its
// type on the framework's path.
func TestCreateLeavesAsProposed(t *testing.T) {
	name := schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	for _, tc := range []struct {
		name     string
		attrs    map[string]schema.Attribute
		topLevel bool
		want     bool
	}{
		{"required, optional and RequiresReplace", map[string]schema.Attribute{"name": name, "x": schema.StringAttribute{Optional: true}}, true, true},
		{"a top-level write-only attribute", map[string]schema.Attribute{"p": schema.StringAttribute{Optional: true, WriteOnly: true}}, true, true},
		{"a computed attribute", map[string]schema.Attribute{"c": schema.StringAttribute{Computed: true}}, true, false},
		{"a default", map[string]schema.Attribute{"d": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("x")}}, true, false},
		{"another plan modifier", map[string]schema.Attribute{"u": schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}}, true, false},
		{"a nested write-only attribute", map[string]schema.Attribute{"p": schema.StringAttribute{Optional: true, WriteOnly: true}}, false, false},
		{"a computed attribute in a nested object", map[string]schema.Attribute{"o": schema.SingleNestedAttribute{Optional: true,
			Attributes: map[string]schema.Attribute{"c": schema.StringAttribute{Computed: true}}}}, true, false},
		{"a list of objects", map[string]schema.Attribute{"l": schema.ListNestedAttribute{Optional: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{"x": schema.StringAttribute{Optional: true}}}}}, true, false},
	} {
		if got := createLeavesAsProposed(tc.attrs, tc.topLevel); got != tc.want {
			t.Errorf("%s: createLeavesAsProposed = %v, want %v", tc.name, got, tc.want)
		}
	}
}
