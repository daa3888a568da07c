package protocol

import (
	"context"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// GetConfig, GetPlan, GetState and SetState move a whole model struct in and out of
// Terraform's data, like the framework's Get and Set methods but faster for the models most
// resources have: structs whose fields are all framework values (types.String, types.List,
// custom types...) tagged with their attribute names. Those are converted field by field
// with the layout worked out once per model type; the framework's reflection compiles a
// regular expression for every field of every value it converts, which shows in a large plan
// (CONTRIBUTING, Performance). Any other model goes through the framework unchanged, and so does
// every model when Switch turns the shortcuts off.

// GetConfig reads the configuration into m.
func GetConfig[M any](ctx context.Context, c tfsdk.Config, m *M) diag.Diagnostics {
	return getModel(ctx, c.Raw, c.Schema, c.Get, m)
}

// GetPlan reads the plan into m.
func GetPlan[M any](ctx context.Context, p tfsdk.Plan, m *M) diag.Diagnostics {
	return getModel(ctx, p.Raw, p.Schema, p.Get, m)
}

// GetState reads the state into m.
func GetState[M any](ctx context.Context, s tfsdk.State, m *M) diag.Diagnostics {
	return getModel(ctx, s.Raw, s.Schema, s.Get, m)
}

// SetState writes m as the whole state.
func SetState[M any](ctx context.Context, s *tfsdk.State, m *M) diag.Diagnostics {
	l := layoutOf[M](ctx, s.Schema)
	if l == nil || !l.object.Equal(s.Raw.Type()) {
		return s.Set(ctx, m)
	}
	model := reflect.ValueOf(m).Elem()
	values := make(map[string]tftypes.Value, len(l.fields))
	for _, f := range l.fields {
		value, _ := model.Field(f.index).Interface().(attr.Value) // the layout checked the field type
		v, err := value.ToTerraformValue(ctx)
		if err != nil {
			return s.Set(ctx, m) // the framework words the error
		}
		values[f.name] = v
	}
	if err := tftypes.ValidateValue(l.object, values); err != nil {
		return s.Set(ctx, m)
	}
	s.Raw = tftypes.NewValue(l.object, values)
	return nil
}

// schemaType is the part of a schema the layout needs.
type schemaType interface {
	Type() attr.Type
}

func getModel[M any](ctx context.Context, raw tftypes.Value, schema schemaType, slow func(context.Context, any) diag.Diagnostics, m *M) diag.Diagnostics {
	l := layoutOf[M](ctx, schema)
	if l == nil || !l.object.Equal(raw.Type()) || !raw.IsKnown() || raw.IsNull() {
		return slow(ctx, m)
	}
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil {
		return slow(ctx, m)
	}
	model := reflect.ValueOf(m).Elem()
	for _, f := range l.fields {
		v, err := f.typ.ValueFromTerraform(ctx, values[f.name])
		if err != nil {
			return slow(ctx, m)
		}
		field := model.Field(f.index)
		value := reflect.ValueOf(v)
		if !value.Type().AssignableTo(field.Type()) {
			return slow(ctx, m)
		}
		field.Set(value)
	}
	return nil
}

// modelLayout pairs a model's fields with the attributes of its schema.
type modelLayout struct {
	object tftypes.Object
	fields []modelField
}

type modelField struct {
	index int
	name  string
	typ   attr.Type
}

// layouts caches modelLayout by model type; a nil entry marks a model the framework converts.
// Each model type belongs to one schema.
var layouts sync.Map

var attrValueType = reflect.TypeFor[attr.Value]()

func layoutOf[M any](ctx context.Context, schema schemaType) *modelLayout {
	if SwitchedOff() {
		return nil // the framework converts every model
	}
	t := reflect.TypeFor[M]()
	if cached, ok := layouts.Load(t); ok {
		l, _ := cached.(*modelLayout)
		return l
	}
	l := newModelLayout(ctx, t, schema)
	layouts.Store(t, l)
	return l
}

// newModelLayout returns nil unless every field of t is a tagged framework value and the
// tags name exactly the schema's attributes.
func newModelLayout(ctx context.Context, t reflect.Type, schema schemaType) *modelLayout {
	if t.Kind() != reflect.Struct || schema == nil {
		return nil
	}
	objectType, ok := schema.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		return nil
	}
	attrTypes := objectType.AttributeTypes()
	object, ok := objectType.TerraformType(ctx).(tftypes.Object)
	if !ok || t.NumField() != len(attrTypes) {
		return nil
	}
	l := &modelLayout{object: object}
	seen := make(map[string]bool, len(attrTypes))
	for i := range t.NumField() {
		field := t.Field(i)
		name := field.Tag.Get("tfsdk")
		typ, known := attrTypes[name]
		if !field.IsExported() || !known || seen[name] || !field.Type.Implements(attrValueType) {
			return nil
		}
		seen[name] = true
		l.fields = append(l.fields, modelField{index: i, name: name, typ: typ})
	}
	return l
}
