package protocol

import (
	"context"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// An apply of new objects plans each of them twice (in the plan, and again in the apply) and
// the framework spends most of each plan walking the schema: defaults, computed values, plan
// modifiers, every attribute set back into the plan one path step at a time. createPlans
// answers the plan of a new object itself when its schema makes every one of those steps leave
// Terraform's proposal as it is:
//
//   - no attribute is computed, at any depth (so none has a default or is marked unknown);
//   - its only plan modifiers are RequiresReplace, which does nothing to a new resource;
//   - it has no blocks, and only top-level write-only attributes, which the plan nulls.
//
// The plan is then the proposal with its write-only values nulled, given to the resource's own
// ModifyPlan as the framework gives it: the provider's validation against Calico, its release
// checks and its warnings run exactly as on the framework's path. TestCreatePlanMatchesFramework
// holds the two answers equal.
type createPlans struct {
	catalog func() *catalog
	client  func() *calico.Client

	typesOnce sync.Once
	types     map[string]*createPlanType // the object resources whose create plan qualifies
}

type createPlanType struct {
	newResource func() resource.Resource
	schema      schema.Schema
	value       tftypes.Type
	writeOnly   []string // top-level write-only attributes
	identity    *identityschema.Schema
	identityOf  tftypes.Type
	creates     bool // the server answers its creates too (create_apply.go)
}

func (c *createPlans) typeOf(typeName string) *createPlanType {
	c.typesOnce.Do(func() {
		ctx := context.Background()
		c.types = map[string]*createPlanType{}
		for name, newResource := range c.catalog().newObjects {
			r := newResource()
			if _, ok := r.(resource.ResourceWithModifyPlan); !ok {
				continue
			}
			var s resource.SchemaResponse
			r.Schema(ctx, resource.SchemaRequest{}, &s)
			if s.Diagnostics.HasError() || len(s.Schema.Blocks) > 0 || !createLeavesAsProposed(s.Schema.Attributes, true) {
				continue
			}
			_, creating := r.(creatingResource)
			t := &createPlanType{newResource: newResource, schema: s.Schema, value: s.Schema.Type().TerraformType(ctx),
				creates: creating && createKeepsAsFramework(ctx, s.Schema.Attributes)}
			for attrName, a := range s.Schema.Attributes {
				if a.IsWriteOnly() {
					t.writeOnly = append(t.writeOnly, attrName)
				}
			}
			if withIdentity, ok := r.(resource.ResourceWithIdentity); ok {
				var is resource.IdentitySchemaResponse
				withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &is)
				if is.Diagnostics.HasError() {
					continue
				}
				t.identity, t.identityOf = &is.IdentitySchema, is.IdentitySchema.Type().TerraformType(ctx)
			}
			c.types[name] = t
		}
	})
	return c.types[typeName]
}

// requiresReplace is the type of the only plan modifier createLeavesAsProposed accepts.
var requiresReplace = reflect.TypeOf(stringplanmodifier.RequiresReplace())

// createLeavesAsProposed says whether the framework's steps before ModifyPlan leave a new
// resource's proposal unchanged under these attributes (see createPlans).
func createLeavesAsProposed(attrs map[string]schema.Attribute, topLevel bool) bool {
	for _, a := range attrs {
		if a.IsComputed() || a.IsWriteOnly() && !topLevel {
			return false
		}
		v := reflect.ValueOf(a)
		if m := v.FieldByName("PlanModifiers"); m.IsValid() {
			for i := range m.Len() {
				if reflect.TypeOf(m.Index(i).Interface()) != requiresReplace {
					return false
				}
			}
		}
		if n := v.FieldByName("NestedObject"); n.IsValid() {
			return false // lists, sets and maps of objects: not needed yet
		}
		if n, ok := a.(schema.SingleNestedAttribute); ok && !createLeavesAsProposed(n.Attributes, false) {
			return false
		}
	}
	return true
}

// newObject is a request about a new object of a qualifying type, decoded: its type, its next
// value (proposed or planned), its configuration, and the resource configured with the client.
type newObject struct {
	t            *createPlanType
	r            resource.Resource
	next, config tftypes.Value
}

// newObject decodes a request about a new object: false when the type does not qualify, the
// provider is not configured, the prior state is not null or the next one is.
func (c *createPlans) newObject(ctx context.Context, typeName string, prior, next, config *tfprotov6.DynamicValue) (newObject, bool) {
	client := c.client()
	t := c.typeOf(typeName)
	if client == nil || t == nil || prior == nil || next == nil || config == nil {
		return newObject{}, false
	}
	priorValue, err := prior.Unmarshal(t.value)
	if err != nil || !priorValue.IsNull() {
		return newObject{}, false
	}
	n := newObject{t: t, r: t.newResource()}
	if n.next, err = next.Unmarshal(t.value); err != nil || n.next.IsNull() {
		return newObject{}, false
	}
	if n.config, err = config.Unmarshal(t.value); err != nil {
		return newObject{}, false
	}
	var configured resource.ConfigureResponse
	n.r.(resource.ResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: client}, &configured)
	return n, !configured.Diagnostics.HasError()
}

// plan answers the plan of a new object resource whose schema qualifies; nil otherwise.
func (c *createPlans) plan(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
	if len(req.PriorPrivate) > 0 {
		return nil
	}
	n, ok := c.newObject(ctx, req.TypeName, req.PriorState, req.ProposedNewState, req.Config)
	if !ok {
		return nil
	}
	t, r, config := n.t, n.r, n.config
	planned, err := withoutValues(n.next, t.writeOnly)
	if err != nil {
		return nil
	}
	modifyReq := resource.ModifyPlanRequest{
		ClientCapabilities: resource.ModifyPlanClientCapabilities{
			DeferralAllowed: req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed,
		},
		Config: tfsdk.Config{Raw: config, Schema: t.schema},
		Plan:   tfsdk.Plan{Raw: planned, Schema: t.schema},
		State:  tfsdk.State{Raw: tftypes.NewValue(t.value, nil), Schema: t.schema},
	}
	modifyResp := resource.ModifyPlanResponse{Plan: modifyReq.Plan, RequiresReplace: path.Paths{}}
	if t.identity != nil {
		modifyReq.Identity = &tfsdk.ResourceIdentity{Raw: tftypes.NewValue(t.identityOf, nil), Schema: t.identity}
		modifyResp.Identity = &tfsdk.ResourceIdentity{Raw: tftypes.NewValue(t.identityOf, nil), Schema: t.identity}
	}
	r.(resource.ResourceWithModifyPlan).ModifyPlan(ctx, modifyReq, &modifyResp)
	if len(modifyResp.RequiresReplace) > 0 || modifyResp.Deferred != nil {
		return nil // not a new resource's plan: left to the framework
	}

	resp := &tfprotov6.PlanResourceChangeResponse{Diagnostics: toProtocol(ctx, modifyResp.Diagnostics)}
	state, err := tfprotov6.NewDynamicValue(t.value, modifyResp.Plan.Raw)
	if err != nil {
		return nil
	}
	resp.PlannedState = &state
	if resp.PlannedIdentity, err = t.identityData(modifyResp.Identity); err != nil {
		return nil
	}
	return resp
}

// identityData is an identity encoded for the protocol; nil for none.
func (t *createPlanType) identityData(identity *tfsdk.ResourceIdentity) (*tfprotov6.ResourceIdentityData, error) {
	if identity == nil {
		return nil, nil
	}
	data, err := tfprotov6.NewDynamicValue(t.identityOf, identity.Raw)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &data}, nil
}

// withoutValues is an object value with the named attributes null.
func withoutValues(v tftypes.Value, names []string) (tftypes.Value, error) {
	if len(names) == 0 {
		return v, nil
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return v, err
	}
	for _, name := range names {
		if a, ok := attrs[name]; ok {
			attrs[name] = tftypes.NewValue(a.Type(), nil)
		}
	}
	return tftypes.NewValue(v.Type(), attrs), nil
}

// toProtocol converts diagnostics as the framework does for Terraform.
func toProtocol(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		p := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityInvalid}
		switch d.Severity() {
		case diag.SeverityError:
			p.Severity = tfprotov6.DiagnosticSeverityError
		case diag.SeverityWarning:
			p.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			p.Attribute = attributePath(ctx, withPath.Path())
		}
		out = append(out, p)
	}
	return out
}

// attributePath is a framework path as a protocol attribute path.
func attributePath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(ctx)
			if err != nil {
				return out
			}
			out = out.WithElementKeyValue(v)
		}
	}
	return out
}
