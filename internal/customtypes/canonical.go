// Package customtypes holds Terraform attribute types whose values have several spellings
// that mean the same thing to Calico: AS numbers ("65546" and asdot "1.10") and durations
// ("2m", "120s" and "2m0s"). Values compare semantically, so what the user wrote stays in state
// and the server's canonical spelling never shows as a diff.
package customtypes

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Format defines one family of spellings: how to reduce a spelling to its canonical form.
// Implementations are empty structs, so the zero value of every type below is usable.
type Format interface {
	// Name says what the value is, for type names and messages ("AS number").
	Name() string
	// Canonical returns the one spelling Calico stores, or an error saying what is accepted.
	Canonical(s string) (string, error)
}

// CanonicalStringType is a string attribute type whose values compare by canonical form.
type CanonicalStringType[F Format] struct {
	basetypes.StringType
}

var _ basetypes.StringTypable = CanonicalStringType[ASNumberFormat]{}

func (t CanonicalStringType[F]) String() string {
	var f F
	return "customtypes.CanonicalStringType[" + f.Name() + "]"
}

func (t CanonicalStringType[F]) Equal(o attr.Type) bool {
	_, ok := o.(CanonicalStringType[F])
	return ok
}

func (t CanonicalStringType[F]) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return CanonicalString[F]{StringValue: in}, nil
}

func (t CanonicalStringType[F]) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return CanonicalString[F]{StringValue: s}, nil
}

func (t CanonicalStringType[F]) ValueType(context.Context) attr.Value { return CanonicalString[F]{} }

// CanonicalString is a value of CanonicalStringType.
type CanonicalString[F Format] struct {
	basetypes.StringValue
}

var (
	_ basetypes.StringValuableWithSemanticEquals = CanonicalString[ASNumberFormat]{}
	_ xattr.ValidateableAttribute                = CanonicalString[ASNumberFormat]{}
)

func (v CanonicalString[F]) Type(context.Context) attr.Type { return CanonicalStringType[F]{} }

func (v CanonicalString[F]) Equal(o attr.Value) bool {
	other, ok := o.(CanonicalString[F])
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether two spellings mean the same value.
func (v CanonicalString[F]) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(CanonicalString[F])
	if !ok || v.IsNull() || v.IsUnknown() || other.IsNull() || other.IsUnknown() {
		return false, nil
	}
	a, errA := v.Canonical()
	b, errB := other.Canonical()
	return errA == nil && errB == nil && a == b, nil
}

// ValidateAttribute rejects a spelling Calico would not accept, at plan time.
func (v CanonicalString[F]) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := v.Canonical(); err != nil {
		var f F
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+titleCase(f.Name()), err.Error())
	}
}

// Canonical returns the canonical spelling of a known value.
func (v CanonicalString[F]) Canonical() (string, error) {
	var f F
	return f.Canonical(v.ValueString())
}

// NewCanonicalString returns a known value.
func NewCanonicalString[F Format](s string) CanonicalString[F] {
	return CanonicalString[F]{StringValue: basetypes.NewStringValue(s)}
}

// NullCanonicalString returns a null value.
func NullCanonicalString[F Format]() CanonicalString[F] {
	return CanonicalString[F]{StringValue: basetypes.NewStringNull()}
}

func titleCase(s string) string {
	out := []rune(s)
	up := true
	for i, r := range out {
		if up && r >= 'a' && r <= 'z' {
			out[i] = r - 'a' + 'A'
		}
		up = r == ' '
	}
	return string(out)
}
