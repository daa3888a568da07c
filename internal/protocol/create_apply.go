package protocol

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// creatingResource is a resource whose Create can write its private state to one the server
// gives it (see CreateRecording in internal/resources).
type creatingResource interface {
	CreateRecording(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse, private PrivateState)
}

// An apply's create goes through the framework's conversions of the configuration, the plan and
// the prior state, and after the resource's Create through its walk of the new state for
// semantic equality. For the types whose plan createPlans answers (their schema leaves the
// plan as proposed), and whose only attributes with semantic equality are strings, the server
// answers the create itself, as the framework's CreateResource does:
//
//   - the resource configured, its Create given the configuration, the plan and the planned
//     identity (null when Terraform sends none);
//   - a create with no error and a null state refused ("Missing Resource State After Create");
//   - a string the API returned in another spelling that its type finds semantically equal to
//     the planned one kept as planned;
//   - write-only values nulled in the new state.
//
// TestCreateApplyMatchesFramework holds the two answers equal against a real API.
func (c *createPlans) apply(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
	n, ok := c.newObject(ctx, req.TypeName, req.PriorState, req.PlannedState, req.Config)
	if !ok || !n.t.creates {
		return nil
	}
	t, r, planned, config := n.t, n.r, n.next, n.config
	var err error
	null := tftypes.NewValue(t.value, nil)
	createReq := resource.CreateRequest{
		Config: tfsdk.Config{Raw: config, Schema: t.schema},
		Plan:   tfsdk.Plan{Raw: planned, Schema: t.schema},
	}
	createResp := resource.CreateResponse{State: tfsdk.State{Raw: null, Schema: t.schema}}
	if t.identity != nil {
		identity := tftypes.NewValue(t.identityOf, nil)
		if req.PlannedIdentity != nil && req.PlannedIdentity.IdentityData != nil {
			if identity, err = req.PlannedIdentity.IdentityData.Unmarshal(t.identityOf); err != nil {
				return nil
			}
		}
		createReq.Identity = &tfsdk.ResourceIdentity{Raw: identity.Copy(), Schema: t.identity}
		createResp.Identity = &tfsdk.ResourceIdentity{Raw: identity.Copy(), Schema: t.identity}
	} else if req.PlannedIdentity != nil {
		return nil
	}
	private := privateKeys{}
	r.(creatingResource).CreateRecording(ctx, createReq, &createResp, private)

	diags := createResp.Diagnostics
	newState := createResp.State.Raw
	if !diags.HasError() && newState.Equal(null) {
		detail := "The Terraform Provider unexpectedly returned no resource state after having no errors in the resource creation. " +
			"This is always an issue in the Terraform Provider and should be reported to the provider developers.\n\n" +
			"The resource may have been successfully created, but Terraform is not tracking it. " +
			"Applying the configuration again with no other action may result in duplicate resource errors."
		if _, ok := r.(resource.ResourceWithImportState); ok {
			detail += " Import the resource if the resource was actually created and Terraform should be tracking it."
		}
		diags.AddError("Missing Resource State After Create", detail)
	}
	if !diags.HasError() {
		if t.identity != nil && createResp.Identity.Raw.IsFullyNull() {
			diags.AddError("Missing Resource Identity After Create",
				"The Terraform Provider unexpectedly returned no resource identity data after having no errors in the resource create. "+
					"This is always an issue in the Terraform Provider and should be reported to the provider developers.")
		} else {
			newState, err = keepSemanticallyEqual(ctx, t.schema.Attributes, planned, newState, &diags)
			if err != nil {
				return nil
			}
			if !diags.HasError() {
				if newState, err = withoutValues(newState, t.writeOnly); err != nil {
					return nil
				}
			}
		}
	}

	resp := &tfprotov6.ApplyResourceChangeResponse{Diagnostics: toProtocol(ctx, diags)}
	state, err := tfprotov6.NewDynamicValue(t.value, newState)
	if err != nil {
		return nil
	}
	resp.NewState = &state
	if len(private) > 0 {
		if resp.Private, err = private.encoded(); err != nil {
			return nil
		}
	}
	if resp.NewIdentity, err = t.identityData(createResp.Identity); err != nil {
		return nil
	}
	return resp
}

// keepSemanticallyEqual is the new state with each string the framework would keep as planned
// (its type says the new spelling means the same) set back to the planned one, as the
// framework's SchemaSemanticEquality does for the attributes createKeepsAsFramework allows.
func keepSemanticallyEqual(ctx context.Context, attrs map[string]schema.Attribute, planned, newState tftypes.Value, diags *diag.Diagnostics) (tftypes.Value, error) {
	if planned.IsNull() || !planned.IsKnown() || newState.IsNull() || !newState.IsKnown() {
		return newState, nil
	}
	var plannedAttrs, newAttrs map[string]tftypes.Value
	if err := planned.As(&plannedAttrs); err != nil {
		return newState, err
	}
	if err := newState.As(&newAttrs); err != nil {
		return newState, err
	}
	changed := false
	for _, name := range slices.Sorted(mapKeysOf(attrs)) {
		a := attrs[name]
		p, n := plannedAttrs[name], newAttrs[name]
		if nested, ok := a.(schema.SingleNestedAttribute); ok {
			kept, err := keepSemanticallyEqual(ctx, nested.Attributes, p, n, diags)
			if err != nil {
				return newState, err
			}
			if !kept.Equal(n) {
				newAttrs[name], changed = kept, true
			}
			continue
		}
		if p.IsNull() || !p.IsKnown() || n.IsNull() || !n.IsKnown() {
			continue
		}
		plannedValue, err := a.GetType().ValueFromTerraform(ctx, p)
		if err != nil {
			return newState, err
		}
		newValue, err := a.GetType().ValueFromTerraform(ctx, n)
		if err != nil {
			return newState, err
		}
		prior, ok := plannedValue.(basetypes.StringValuableWithSemanticEquals)
		proposed, ok2 := newValue.(basetypes.StringValuableWithSemanticEquals)
		if !ok || !ok2 {
			continue
		}
		same, d := proposed.StringSemanticEquals(ctx, prior)
		diags.Append(d...)
		if same && !p.Equal(n) {
			newAttrs[name], changed = p, true
		}
	}
	if !changed {
		return newState, nil
	}
	return tftypes.NewValue(newState.Type(), newAttrs), nil
}

// createKeepsAsFramework says whether keepSemanticallyEqual does for these attributes all the
// framework's semantic equality would: no value but a string's has semantic equality of its
// own, and nested objects are single and of the framework's own object type.
func createKeepsAsFramework(ctx context.Context, attrs map[string]schema.Attribute) bool {
	for _, a := range attrs {
		switch a := a.(type) {
		case schema.StringAttribute:
		case schema.SingleNestedAttribute:
			if a.CustomType != nil || !createKeepsAsFramework(ctx, a.Attributes) {
				return false
			}
		case schema.ListAttribute:
			if a.CustomType != nil || hasSemanticEquality(a.ElementType.ValueType(ctx)) {
				return false
			}
		case schema.MapAttribute:
			if a.CustomType != nil || hasSemanticEquality(a.ElementType.ValueType(ctx)) {
				return false
			}
		default:
			if hasSemanticEquality(a.GetType().ValueType(ctx)) {
				return false
			}
		}
	}
	return true
}

func hasSemanticEquality(v attr.Value) bool {
	switch v.(type) {
	case basetypes.StringValuableWithSemanticEquals, basetypes.BoolValuableWithSemanticEquals,
		basetypes.Int64ValuableWithSemanticEquals, basetypes.Int32ValuableWithSemanticEquals,
		basetypes.Float64ValuableWithSemanticEquals, basetypes.Float32ValuableWithSemanticEquals,
		basetypes.NumberValuableWithSemanticEquals, basetypes.ListValuableWithSemanticEquals,
		basetypes.MapValuableWithSemanticEquals, basetypes.SetValuableWithSemanticEquals,
		basetypes.ObjectValuableWithSemanticEquals, basetypes.DynamicValuableWithSemanticEquals:
		return true
	}
	return false
}

func mapKeysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
