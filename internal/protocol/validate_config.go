package protocol

import (
	"context"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// Terraform validates every instance's configuration in each process of a command (its plan's,
// and again its apply's), and the framework spends most of each validation walking the schema:
// each attribute's value looked up by path from the top, with the schema's map of attributes
// rebuilt and a logging context made at every step. configValidations answers the validation
// of a configuration it has not seen itself, for resource types whose attributes are all of
// kinds it walks as the framework does (strings, numbers, booleans, lists and maps of them, and
// single nested objects of these): the same checks, in the framework's order, on values taken
// straight from the decoded configuration.
//
//   - the resource's Configure, its config validators and its ValidateConfig;
//   - for each attribute: its value's own validation (custom types), then read-only, required
//     and write-only values refused, its validators, its nested attributes, and its deprecation;
//   - the schema's deprecation.
//
// Diagnostics are gathered with diag.Diagnostics.Append, which drops repeats, as the framework
// does. TestValidateConfigMatchesFramework holds the two answers equal.
type configValidations struct {
	catalog func() *catalog
	client  func() *calico.Client

	typesOnce sync.Once
	types     map[string]*validatedType // the resource types whose validation qualifies
}

type validatedType struct {
	newResource func() resource.Resource
	schema      schema.Schema
	value       tftypes.Type
	names       []string // the schema's attribute names, sorted
}

func (v *configValidations) typeOf(typeName string) *validatedType {
	v.typesOnce.Do(func() {
		ctx := context.Background()
		v.types = map[string]*validatedType{}
		for name, newResource := range v.catalog().newResources {
			var s resource.SchemaResponse
			newResource().Schema(ctx, resource.SchemaRequest{}, &s)
			if s.Diagnostics.HasError() || len(s.Schema.Blocks) > 0 || !walkedAsFramework(s.Schema.Attributes) {
				continue
			}
			v.types[name] = &validatedType{newResource: newResource, schema: s.Schema,
				value: s.Schema.Type().TerraformType(ctx), names: sortedNames(s.Schema.Attributes)}
		}
	})
	return v.types[typeName]
}

// walkedAsFramework says whether attributeWalk validates these attributes as the framework does:
// each of a kind it walks, and each defined as the framework requires (a definition it would
// refuse is left to it to report).
func walkedAsFramework(attrs map[string]schema.Attribute) bool {
	for _, a := range attrs {
		switch {
		case !a.IsRequired() && !a.IsOptional() && !a.IsComputed(),
			a.IsWriteOnly() && (a.IsRequired() && a.IsOptional() || a.IsComputed()):
			return false
		}
		switch a := a.(type) {
		case schema.StringAttribute, schema.Int64Attribute, schema.BoolAttribute, schema.ListAttribute, schema.MapAttribute:
		case schema.SingleNestedAttribute:
			if a.CustomType != nil || !walkedAsFramework(a.Attributes) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func sortedNames(attrs map[string]schema.Attribute) []string {
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// validate answers the validation of a configuration of a qualifying type; nil otherwise.
func (v *configValidations) validate(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) *tfprotov6.ValidateResourceConfigResponse {
	t := v.typeOf(req.TypeName)
	if t == nil || req.Config == nil {
		return nil
	}
	raw, err := req.Config.Unmarshal(t.value)
	if err != nil || raw.IsNull() || !raw.IsKnown() {
		return nil
	}
	config := tfsdk.Config{Raw: raw, Schema: t.schema}
	writeOnlyAllowed := req.ClientCapabilities != nil && req.ClientCapabilities.WriteOnlyAttributesAllowed
	var diags diag.Diagnostics

	r := t.newResource()
	if withConfigure, ok := r.(resource.ResourceWithConfigure); ok {
		configureReq := resource.ConfigureRequest{}
		if c := v.client(); c != nil {
			configureReq.ProviderData = c
		}
		var configured resource.ConfigureResponse
		withConfigure.Configure(ctx, configureReq, &configured)
		diags.Append(configured.Diagnostics...)
		if diags.HasError() {
			return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: toProtocol(ctx, diags)}
		}
	}
	validateReq := resource.ValidateConfigRequest{
		ClientCapabilities: resource.ValidateConfigClientCapabilities{WriteOnlyAttributesAllowed: writeOnlyAllowed},
		Config:             config,
	}
	if withValidators, ok := r.(resource.ResourceWithConfigValidators); ok {
		for _, configValidator := range withValidators.ConfigValidators(ctx) {
			var resp resource.ValidateConfigResponse
			configValidator.ValidateResource(ctx, validateReq, &resp)
			diags.Append(resp.Diagnostics...)
		}
	}
	if withValidate, ok := r.(resource.ResourceWithValidateConfig); ok {
		var resp resource.ValidateConfigResponse
		withValidate.ValidateConfig(ctx, validateReq, &resp)
		diags.Append(resp.Diagnostics...)
	}

	walk := attributeWalk{config: config, capabilities: validator.ValidateSchemaClientCapabilities{WriteOnlyAttributesAllowed: writeOnlyAllowed}}
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil {
		return nil
	}
	for _, name := range t.names {
		var attrDiags diag.Diagnostics
		if !walk.attribute(ctx, t.schema.Attributes[name], path.Root(name), path.MatchRoot(name), values[name], &attrDiags) {
			return nil
		}
		diags.Append(attrDiags...)
	}
	if t.schema.DeprecationMessage != "" {
		diags.AddWarning("Deprecated", t.schema.DeprecationMessage)
	}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: toProtocol(ctx, diags)}
}

// attributeWalk validates the attributes of one configuration.
type attributeWalk struct {
	config       tfsdk.Config
	capabilities validator.ValidateSchemaClientCapabilities
}

// attribute validates the attribute a at p, whose value in the configuration is tfValue, as the
// framework's AttributeValidate does; false when it meets what it does not walk.
func (w attributeWalk) attribute(ctx context.Context, a schema.Attribute, p path.Path, pe path.Expression, tfValue tftypes.Value, diags *diag.Diagnostics) bool {
	attrType := a.GetType()
	value, err := attrType.ValueFromTerraform(ctx, tfValue)
	if err != nil {
		return false
	}
	// The value's own validation, as the framework's read of the configuration at p runs it.
	if validateable, ok := value.(xattr.ValidateableAttribute); ok {
		var resp xattr.ValidateAttributeResponse
		validateable.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
		diags.Append(resp.Diagnostics...)
	} else if withValidate, ok := attrType.(xattr.TypeWithValidate); ok { //nolint:staticcheck // the framework still runs it
		diags.Append(withValidate.Validate(ctx, tfValue, p)...)
	}
	if diags.HasError() {
		return true
	}

	null, unknown := value.IsNull(), value.IsUnknown()
	if a.IsComputed() && !a.IsOptional() && !null {
		diags.AddAttributeError(p, "Invalid Configuration for Read-Only Attribute",
			"Cannot set value for this attribute as the provider has marked it as read-only. Remove the configuration line setting the value.\n\n"+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable and read-only attributes that are supported.")
	}
	if a.IsRequired() && null {
		diags.AddAttributeError(p, "Missing Configuration for Required Attribute",
			"Must set a configuration value for the "+p.String()+" attribute as the provider has marked it as required.\n\n"+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable attributes that are required.")
	}
	if !w.capabilities.WriteOnlyAttributesAllowed && a.IsWriteOnly() && !null {
		diags.AddAttributeError(p, "WriteOnly Attribute Not Allowed",
			"The resource contains a non-null value for WriteOnly attribute "+p.String()+". Write-only attributes are only supported in Terraform 1.11 and later.")
	}

	if !w.validators(ctx, a, p, pe, value, diags) {
		return false
	}
	if nested, ok := a.(schema.SingleNestedAttribute); ok && !null && !unknown {
		object, d := value.(basetypes.ObjectValuable).ToObjectValue(ctx)
		// As the framework does, an attribute with an error of its own (its validators', say)
		// has its nested attributes left unchecked.
		if diags.Append(d...); diags.HasError() {
			return true
		}
		// The framework runs the nested object's validators, which for a single nested
		// attribute are its own, a second time; Append drops what they repeat.
		req := validator.ObjectRequest{ClientCapabilities: w.capabilities, Config: w.config, ConfigValue: object, Path: p, PathExpression: pe}
		runEach(ctx, nil, nested.Validators, req, validator.Object.ValidateObject, func(r *validator.ObjectResponse) diag.Diagnostics { return r.Diagnostics }, diags)
		var values map[string]tftypes.Value
		if err := tfValue.As(&values); err != nil {
			return false
		}
		for _, name := range sortedNames(nested.Attributes) {
			var nestedDiags diag.Diagnostics
			if !w.attribute(ctx, nested.Attributes[name], p.AtName(name), pe.AtName(name), values[name], &nestedDiags) {
				return false
			}
			diags.Append(nestedDiags...)
		}
	}
	if message := a.GetDeprecationMessage(); message != "" && !null && !unknown {
		diags.AddAttributeWarning(p, "Attribute Deprecated", message)
	}
	return true
}

// validators runs the attribute's own validators on value, once its value converts to the kind
// they take.
func (w attributeWalk) validators(ctx context.Context, a schema.Attribute, p path.Path, pe path.Expression, value attr.Value, diags *diag.Diagnostics) bool {
	switch a := a.(type) {
	case schema.StringAttribute:
		v, d := value.(basetypes.StringValuable).ToStringValue(ctx)
		req := validator.StringRequest{ClientCapabilities: w.capabilities, Config: w.config, ConfigValue: v, Path: p, PathExpression: pe}
		runEach(ctx, d, a.Validators, req, validator.String.ValidateString, func(r *validator.StringResponse) diag.Diagnostics { return r.Diagnostics }, diags)
	case schema.Int64Attribute:
		v, d := value.(basetypes.Int64Valuable).ToInt64Value(ctx)
		req := validator.Int64Request{ClientCapabilities: w.capabilities, Config: w.config, ConfigValue: v, Path: p, PathExpression: pe}
		runEach(ctx, d, a.Validators, req, validator.Int64.ValidateInt64, func(r *validator.Int64Response) diag.Diagnostics { return r.Diagnostics }, diags)
	case schema.BoolAttribute:
		v, d := value.(basetypes.BoolValuable).ToBoolValue(ctx)
		req := validator.BoolRequest{ClientCapabilities: w.capabilities, Config: w.config, ConfigValue: v, Path: p, PathExpression: pe}
		runEach(ctx, d, a.Validators, req, validator.Bool.ValidateBool, func(r *validator.BoolResponse) diag.Diagnostics { return r.Diagnostics }, diags)
	case schema.ListAttribute:
		v, d := value.(basetypes.ListValuable).ToListValue(ctx)
		req := validator.ListRequest{ClientCapabilities: w.capabilities, Config: w.config, ConfigValue: v, Path: p, PathExpression: pe}
		runEach(ctx, d, a.Validators, req, validator.List.ValidateList, func(r *validator.ListResponse) diag.Diagnostics { return r.Diagnostics }, diags)
	case schema.MapAttribute:
		v, d := value.(basetypes.MapValuable).ToMapValue(ctx)
		req := validator.MapRequest{ClientCapabilities: w.capabilities, Config: w.config, ConfigValue: v, Path: p, PathExpression: pe}
		runEach(ctx, d, a.Validators, req, validator.Map.ValidateMap, func(r *validator.MapResponse) diag.Diagnostics { return r.Diagnostics }, diags)
	case schema.SingleNestedAttribute:
		v, d := value.(basetypes.ObjectValuable).ToObjectValue(ctx)
		req := validator.ObjectRequest{ClientCapabilities: w.capabilities, Config: w.config, ConfigValue: v, Path: p, PathExpression: pe}
		runEach(ctx, d, a.Validators, req, validator.Object.ValidateObject, func(r *validator.ObjectResponse) diag.Diagnostics { return r.Diagnostics }, diags)
	default:
		return false
	}
	return true
}

// runEach adds converted's diagnostics (the value's conversion to the validators' kind) and,
// unless it failed, runs each validator on req with a response of its own, as the framework
// does, adding what it reports.
func runEach[V, Req, Resp any](ctx context.Context, converted diag.Diagnostics, validators []V, req Req,
	validate func(V, context.Context, Req, *Resp), reported func(*Resp) diag.Diagnostics, diags *diag.Diagnostics,
) {
	if diags.Append(converted...); converted.HasError() {
		return
	}
	for _, v := range validators {
		var resp Resp
		validate(v, ctx, req, &resp)
		diags.Append(reported(&resp)...)
	}
}
