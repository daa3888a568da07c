package resources

// The object engine: every projectcalico.org/v3 resource is an objectResource. The CRUD, import
// and error handling live here once, and each resource file supplies only its schema, its model
// and the mapping between model and Calico object (objectMapping).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// objectMapping is what one resource file defines: how its Terraform model maps to a Calico kind.
// The first fields are required. The hooks after them are optional (nil unless the kind needs
// them) and are listed by when a request runs them: at plan time, on writes, on delete.
type objectMapping[M any, T calico.Object] struct {
	// typeName is the resource type without the provider prefix, such as "bgp_peer".
	typeName string
	// kind is the registry's kind on a client, such as calico.BGPPeers.On.
	kind func(*calico.Client) calico.Kind[T]
	// schema builds the resource's schema; the framework asks for it once per provider
	// process, while it constructs the resource for every request.
	schema func() schema.Schema
	// name points at the model's name attribute.
	name func(*M) *types.String
	// expand writes the model into obj, replacing the whole spec: fields absent from the model
	// are cleared. obj is either new or the live object (so metadata others set is kept).
	expand func(ctx context.Context, m *M, obj T) diag.Diagnostics
	// flatten sets the model from obj. m holds the prior values (state, plan, or nulls on
	// import) so that a server-side default can stay null when the user never set it.
	flatten func(ctx context.Context, obj T, m *M) diag.Diagnostics

	// Plan time.
	//
	// validate checks rules across attributes; unknown values must be skipped. Calico's own
	// validator also runs on every planned object (checkWithCalico): validate is for the
	// provider's clearer messages, and must never reject what Calico accepts.
	validate func(ctx context.Context, m *M) diag.Diagnostics
	// calicoNames maps Calico's JSON field names to attribute names where the attribute is not
	// the field's snake_case name, so that Calico's errors land on the right attribute.
	calicoNames map[string]string
	// planCheck checks rules Calico applies against other objects at write time (prior is nil
	// on create). It reads the cluster; when the cluster cannot be read, the rule is left to
	// the API at apply.
	planCheck func(ctx context.Context, c *calico.Client, plan, prior *M) diag.Diagnostics
	// planDestroy adds warnings to a plan that destroys the object (state holds it).
	planDestroy func(state *M) diag.Diagnostics
	// makesSessions: the kind's objects make BGP sessions, so that a plan that changes one says
	// which sessions go and come (bgp.SessionImpact), and a write is guarded (guardSessions).
	// createAddsOnly: creating one only adds sessions, so a create is not checked.
	makesSessions  bool
	createAddsOnly bool

	// Writes.
	//
	// managedElsewhere says (summary and detail of a diagnostic) when a live object is
	// reconciled by another controller, so that Terraform must not write it: create over it,
	// update and delete fail before any write, and import warns. Empty summary: not the case.
	managedElsewhere func(obj T) (summary, detail string)
	// adopt says whether Create takes over an existing object of that name instead of failing
	// (singletons such as the default BGPConfiguration that Calico creates itself).
	adopt func(name string) bool
	// keepsSecrets says, for a plan, that the object's meaning is not all in its spec and labels
	// (a write-only password in a companion Secret), so that an identical existing object is
	// not taken over (see identicalExisting): it may hold another password.
	keepsSecrets func(plan *M) bool
	// beforeWrite and afterWrite run around every create and update, with the configuration
	// (where write-only values are) and the prior state (nil on create). They check what the
	// write needs (the mesh check) and manage companions: objects that accompany the Calico
	// object, such as a password Secret, in the order that never leaves the Calico object
	// referring to a missing companion it had, and never touches a companion of an object this
	// run did not create or own. beforeWrite writes the companions the updated object will
	// refer to; afterWrite writes those of a newly created object (an error undoes the create)
	// and removes those the updated object no longer refers to.
	beforeWrite func(ctx context.Context, c *calico.Client, config tfsdk.Config, plan, prior *M) diag.Diagnostics
	afterWrite  func(ctx context.Context, c *calico.Client, config tfsdk.Config, plan, prior *M) diag.Diagnostics

	// Delete.
	//
	// afterDelete removes the companions once the Calico object is gone.
	afterDelete func(ctx context.Context, c *calico.Client, state *M) diag.Diagnostics
}

type objectResource[M any, T calico.Object] struct {
	objectMapping[M, T]
	client *calico.Client
}

func newObjectResource[M any, T calico.Object](k objectMapping[M, T]) resource.Resource {
	return &objectResource[M, T]{objectMapping: k}
}

var (
	_ resource.ResourceWithConfigure      = (*objectResource[struct{}, calico.Object])(nil)
	_ resource.ResourceWithIdentity       = (*objectResource[struct{}, calico.Object])(nil)
	_ resource.ResourceWithImportState    = (*objectResource[struct{}, calico.Object])(nil)
	_ resource.ResourceWithValidateConfig = (*objectResource[struct{}, calico.Object])(nil)
	_ resource.ResourceWithModifyPlan     = (*objectResource[struct{}, calico.Object])(nil)
)

func (r *objectResource[M, T]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.typeName
}

// CalicoKind is the name of the Calico kind the resource manages, as the registry has it.
func (r *objectResource[M, T]) CalicoKind() string { return r.kind(nil).Name }

func (r *objectResource[M, T]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema()
}

// nameIdentity is the resource identity of a cluster-scoped Calico object: its name.
type nameIdentity struct {
	Name types.String `tfsdk:"name"`
}

func (r *objectResource[M, T]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"name": identityschema.StringAttribute{
			RequiredForImport: true,
			Description:       "Name of the " + r.kind(r.client).Name + " (cluster-scoped).",
		},
	}}
}

// setState stores the model and, where Terraform supports it (1.12+), the identity.
func setState[M any](ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, m *M, name string, diags *diag.Diagnostics) {
	diags.Append(protocol.SetState(ctx, state, m)...)
	if identity != nil {
		diags.Append(identity.Set(ctx, nameIdentity{Name: types.StringValue(name)})...)
	}
}

// setRead sets the state to the object as the API returned it after a create or a read: m (the
// prior values) flattened from out, the identity, and the record of out in private state.
func (r *objectResource[M, T]) setRead(ctx context.Context, out T, m *M, state *tfsdk.State, identity *tfsdk.ResourceIdentity, private privateState, diags *diag.Diagnostics) {
	tfcommon.WarnNewerCalico(ctx, r.client, diags)
	diags.Append(r.flatten(ctx, out, m)...)
	setState(ctx, state, identity, m, out.GetName(), diags)
	recordObject(ctx, private, out, diags)
}

func (r *objectResource[M, T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = tfcommon.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *objectResource[M, T]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r.validate == nil {
		return
	}
	var m M
	resp.Diagnostics.Append(protocol.GetConfig(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.validate(ctx, &m)...)
}

// ModifyPlan checks a planned object as Calico will (its validator, then the rules against other
// objects), and warns of what destroying an object does where the kind says so. A plan that
// changes nothing is not checked again: the object is already stored as it is.
func (r *objectResource[M, T]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		if req.State.Raw.IsNull() || r.planDestroy == nil && !r.makesSessions {
			return
		}
		var state M
		resp.Diagnostics.Append(protocol.GetState(ctx, req.State, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if r.planDestroy != nil {
			resp.Diagnostics.Append(r.planDestroy(&state)...)
		}
		r.warnSessionImpact(ctx, r.name(&state).ValueString(), nil, &resp.Diagnostics)
		return
	}
	if req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var m M
	resp.Diagnostics.Append(protocol.GetPlan(ctx, req.Plan, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned, expanded := r.checkWithCalico(ctx, req.Plan, req.State, req.Config, &m, &resp.Diagnostics)
	if expanded && !resp.Diagnostics.HasError() && req.Config.Raw.IsFullyKnown() {
		r.warnSessionImpact(ctx, r.name(&m).ValueString(), planned, &resp.Diagnostics)
		if req.State.Raw.IsNull() && r.adopt != nil && r.adopt(planned.GetName()) {
			r.warnTakeover(ctx, req.Plan, planned, &resp.Diagnostics)
		}
	}
	if r.planCheck == nil || resp.Diagnostics.HasError() {
		return
	}
	var prior *M
	if !req.State.Raw.IsNull() {
		prior = new(M)
		resp.Diagnostics.Append(protocol.GetState(ctx, req.State, prior)...)
	}
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.planCheck(ctx, r.client, &m, prior)...)
	}
}

// warnSessionImpact says, for a kind that makes BGP sessions, which sessions the planned object
// (as checkWithCalico expanded it; nil: the object destroyed) drops, resets and adds, against
// the live objects.
func (r *objectResource[M, T]) warnSessionImpact(ctx context.Context, name string, planned calico.Object, diags *diag.Diagnostics) {
	if !r.makesSessions || r.client == nil || !r.client.Known() {
		return
	}
	change := bgp.PlannedChange{Kind: r.kind(r.client).Name, Name: name, Object: planned}
	impact, err := bgp.SessionImpact(ctx, r.client, change)
	if err != nil {
		tflog.Warn(ctx, "the plan's BGP session impact could not be computed", map[string]any{"error": err.Error()})
		return
	}
	tfcommon.WarnSessionImpact(impact, diags)
}

func (r *objectResource[M, T]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.CreateRecording(ctx, req, resp, resp.Private)
}

// CreateRecording is Create with the private state written to private rather than to
// resp.Private, whose type only the framework can make: the server creates below the framework
// too (internal/protocol, create_apply.go).
func (r *objectResource[M, T]) CreateRecording(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse, private protocol.PrivateState) {
	var m M
	resp.Diagnostics.Append(protocol.GetPlan(ctx, req.Plan, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := r.name(&m).ValueString()
	obj := r.kind(r.client).New()
	obj.SetName(name)
	resp.Diagnostics.Append(r.expand(ctx, &m, obj)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.leaveOutUnsetNewerFields(ctx, obj, req.Plan, req.Config); err != nil {
		resp.Diagnostics.AddError("Failed to Create "+r.kind(r.client).Name, err.Error())
		return
	}
	ctx = tflog.SetField(ctx, "calico_kind", r.kind(r.client).Name)
	ctx = tflog.SetField(ctx, "calico_name", name)
	if r.beforeWrite != nil {
		resp.Diagnostics.Append(r.beforeWrite(ctx, r.client, req.Config, &m, nil)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	record := r.guardWrite(ctx, bgp.PlannedChange{Name: name, Object: obj}, r.createAddsOnly, req.Plan, "Create", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.kind(r.client).Create(ctx, obj)
	created := err == nil
	if errors.Is(err, calico.ErrAlreadyExists) {
		if r.refuseManagedElsewhere(ctx, name, &resp.Diagnostics) || resp.Diagnostics.HasError() {
			return
		}
		if r.adopt != nil && r.adopt(name) {
			out, err = r.adoptExisting(ctx, &m, name, &resp.Diagnostics)
		} else if r.keepsSecrets != nil && r.keepsSecrets(&m) {
			// left to the Already Exists error
		} else if existing, ok := r.identicalExisting(ctx, obj); ok {
			out, err = existing, nil
			resp.Diagnostics.AddWarning(fmt.Sprintf("Took Over the Identical Existing %s %q", r.kind(r.client).Name, name),
				fmt.Sprintf("%s %q already existed with exactly the spec and labels this configuration gives it, so "+
					"Terraform now manages it instead of failing. Most likely an earlier apply created it and never "+
					"heard back (the datastore or terraform failed mid-apply). If another tool created it on purpose, "+
					"run terraform state rm on this resource: destroying it deletes the object.", r.kind(r.client).Name, name))
		}
	}
	if err != nil && !resp.Diagnostics.HasError() {
		r.addWriteError(ctx, req.Plan, &m, "Create", err, &resp.Diagnostics)
	}
	record(!resp.Diagnostics.HasError())
	if resp.Diagnostics.HasError() {
		return // nothing was created, so nothing is removed: an existing object's companions stay
	}
	if r.afterWrite != nil {
		d := r.afterWrite(ctx, r.client, req.Config, &m, nil)
		resp.Diagnostics.Append(d...)
		if d.HasError() {
			// Nothing half-applied: remove the object if this call created it (one taken over
			// stays as it was).
			if !created {
				return
			}
			if err := r.kind(r.client).Delete(ctx, name); err != nil && !errors.Is(err, calico.ErrNotFound) {
				tfcommon.AddAPIError(&resp.Diagnostics, "Delete", r.kind(r.client).Name, name, err)
			}
			return
		}
	}
	r.setRead(ctx, out, &m, &resp.State, resp.Identity, private, &resp.Diagnostics)
}

func (r *objectResource[M, T]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(protocol.GetState(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := r.name(&m).ValueString()
	out, err := r.kind(r.client).Get(ctx, name)
	if errors.Is(err, calico.ErrNotFound) {
		tflog.Info(ctx, "object deleted outside Terraform; removing it from state",
			map[string]any{"calico_kind": r.kind(r.client).Name, "calico_name": name})
		if resp.Identity != nil { // the framework wants an identity even for a removed resource
			resp.Diagnostics.Append(resp.Identity.Set(ctx, nameIdentity{Name: types.StringValue(name)})...)
		}
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", r.kind(r.client).Name, name, err)
		return
	}
	r.setRead(ctx, out, &m, &resp.State, resp.Identity, resp.Private, &resp.Diagnostics)
}

func (r *objectResource[M, T]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m M
	resp.Diagnostics.Append(protocol.GetPlan(ctx, req.Plan, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := r.name(&m).ValueString()
	var prior M
	resp.Diagnostics.Append(protocol.GetState(ctx, req.State, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.beforeWrite != nil {
		resp.Diagnostics.Append(r.beforeWrite(ctx, r.client, req.Config, &m, &prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	guarded := r.kind(r.client).New() // the guard's view of the change: the spec as planned
	guarded.SetName(name)
	if r.makesSessions {
		resp.Diagnostics.Append(r.expand(ctx, &m, guarded)...)
	}
	record := r.guardWrite(ctx, bgp.PlannedChange{Name: name, Object: guarded}, false, req.Plan, "Update", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.kind(r.client).Update(ctx, name, r.changeOnly(ctx, &prior, r.mutator(ctx, &m, &resp.Diagnostics)))
	record(err == nil && !resp.Diagnostics.HasError())
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		r.addWriteError(ctx, req.Plan, &m, "Update", err, &resp.Diagnostics)
		return
	}
	tfcommon.WarnNewerCalico(ctx, r.client, &resp.Diagnostics)
	planned := m // the companions follow the configuration, not what flatten reads back
	resp.Diagnostics.Append(r.flatten(ctx, out, &m)...)
	stale := keepPlanned(&planned, &m)
	setState(ctx, &resp.State, resp.Identity, &m, out.GetName(), &resp.Diagnostics)
	if !stale {
		// Only a state that is the stored object read back vouches for it (see recordObject).
		recordObject(ctx, resp.Private, out, &resp.Diagnostics)
	}
	if r.afterWrite != nil {
		resp.Diagnostics.Append(r.afterWrite(ctx, r.client, req.Config, &planned, &prior)...)
	}
}

func (r *objectResource[M, T]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m M
	resp.Diagnostics.Append(protocol.GetState(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := r.name(&m).ValueString()
	if r.refuseManagedElsewhere(ctx, name, &resp.Diagnostics) || resp.Diagnostics.HasError() {
		return
	}
	record := r.guardWrite(ctx, bgp.PlannedChange{Name: name}, false, req.State, "Delete", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.kind(r.client).Delete(ctx, name)
	record(err == nil || errors.Is(err, calico.ErrNotFound))
	if err != nil && !errors.Is(err, calico.ErrNotFound) {
		tfcommon.AddAPIError(&resp.Diagnostics, "Delete", r.kind(r.client).Name, name, err)
		return
	}
	if r.afterDelete != nil {
		resp.Diagnostics.Append(r.afterDelete(ctx, r.client, &m)...)
	}
}

// guardWrite guards a write of a kind that makes BGP sessions (guardSessions); for other kinds
// it checks nothing. change names the object; its Kind is the resource's.
func (r *objectResource[M, T]) guardWrite(ctx context.Context, change bgp.PlannedChange, creates bool, src attributeSource, action string, diags *diag.Diagnostics) func(written bool) {
	if !r.makesSessions {
		return func(bool) {}
	}
	change.Kind = r.kind(r.client).Name
	record := guardSessions(ctx, r.client, change, creates, src, action, change.Kind, diags)
	if record == nil {
		return func(bool) {}
	}
	return record
}

// adoptExisting takes over a singleton that Calico or its operator created (adopt), replacing
// its spec with the configuration.
func (r *objectResource[M, T]) adoptExisting(ctx context.Context, m *M, name string, diags *diag.Diagnostics) (T, error) {
	tflog.Info(ctx, "adopting existing object")
	kind := r.kind(r.client)
	out, err := kind.Update(ctx, name, r.mutator(ctx, m, diags))
	if err == nil {
		diags.AddWarning(fmt.Sprintf("Adopted Existing %s %q", kind.Name, name),
			fmt.Sprintf("The %s %q already existed (Calico or its operator creates it), so Terraform took it over "+
				"and replaced its spec with this configuration; fields not set here were cleared and Calico's "+
				"defaults apply to them. Destroying this resource deletes the object.", kind.Name, name))
	}
	return out, err
}

// warnTakeover says, in the plan of a create that adopt would turn into a takeover, which fields
// of the stored object the apply clears or replaces: the takeover writes the configuration's spec
// whole, so a field set there and not here is lost, and the plan is where to notice it.
func (r *objectResource[M, T]) warnTakeover(ctx context.Context, plan tfsdk.Plan, planned T, diags *diag.Diagnostics) {
	if r.client == nil || !r.client.Known() {
		return
	}
	kind := r.kind(r.client)
	existing, err := kind.Get(ctx, planned.GetName())
	if err != nil {
		return // nothing to take over, or a read the apply reports if it fails again
	}
	stored, err1 := specFields(existing)
	wanted, err2 := specFields(planned)
	if err1 != nil || err2 != nil {
		return
	}
	var cleared, replaced []tfcommon.TakenOverField
	for _, field := range slices.Sorted(maps.Keys(stored)) {
		f := tfcommon.TakenOverField{
			Attribute: attributePath(ctx, plan, []any{"spec", field}, r.calicoNames).String(),
			Stored:    jsonText(stored[field]),
		}
		switch want, ok := wanted[field]; {
		case !ok:
			cleared = append(cleared, f)
		case !reflect.DeepEqual(want, stored[field]):
			replaced = append(replaced, f)
		}
	}
	if len(cleared)+len(replaced) > 0 {
		summary, detail := tfcommon.DescribeTakeover(kind.Name, planned.GetName(), cleared, replaced)
		diags.AddWarning(summary, detail)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// identicalExisting returns the stored object of obj's name when its spec and labels are exactly
// obj's. An apply whose create reached the datastore but whose answer was lost (the server
// killed or frozen, terraform killed) leaves such an object without state; the next apply then
// converges on it instead of failing on a name Terraform cannot tell apart from its own object.
// Anything else that differs in the slightest is left to the Already Exists error.
func (r *objectResource[M, T]) identicalExisting(ctx context.Context, obj T) (T, bool) {
	existing, err := r.kind(r.client).Get(ctx, obj.GetName())
	if err != nil {
		return existing, false
	}
	specOf := func(o T) (string, bool) {
		b, err := json.Marshal(o)
		var fields struct {
			Spec json.RawMessage `json:"spec"`
		}
		if err != nil || json.Unmarshal(b, &fields) != nil {
			return "", false
		}
		return string(fields.Spec), true
	}
	want, ok1 := specOf(obj)
	got, ok2 := specOf(existing)
	return existing, ok1 && ok2 && want == got && maps.Equal(obj.GetLabels(), existing.GetLabels())
}

// addWriteError reports a failed write: an object that exists already on its name, a field the
// datastore dropped on the attribute that sets it, else on the attribute of the field Calico
// rejected when its error names one (rules Calico checks against other objects at write time,
// such as a BGPPeer's filters that must exist).
func (r *objectResource[M, T]) addWriteError(ctx context.Context, plan tfsdk.Plan, m *M, action string, err error, diags *diag.Diagnostics) {
	name := r.name(m).ValueString()
	if errors.Is(err, calico.ErrAlreadyExists) {
		tfcommon.AddAttributeAPIError(diags, path.Root("name"), action, r.kind(r.client).Name, name, err)
		return
	}
	var dropped *calico.Error
	if errors.Is(err, calico.ErrFieldDropped) && errors.As(err, &dropped) {
		for _, at := range dropped.Dropped {
			p := attributePath(ctx, plan, at, r.calicoNames)
			summary, detail := tfcommon.DescribeDroppedField(r.kind(r.client).Name, name, p.String(), at, dropped.Op)
			diags.AddAttributeError(p, summary, detail)
		}
		return
	}
	if errors.Is(err, calico.ErrInvalid) {
		obj := r.kind(r.client).New()
		obj.SetName(name)
		if !r.expand(ctx, m, obj).HasError() {
			for _, f := range calico.RejectedFields(obj, err) {
				if p := attributePath(ctx, plan, f.Path, r.calicoNames); len(p.Steps()) > 0 {
					tfcommon.AddAttributeAPIError(diags, p, action, r.kind(r.client).Name, name, err)
					return // the error's text names every field
				}
			}
		}
	}
	tfcommon.AddAPIError(diags, action, r.kind(r.client).Name, name, err)
}

// ImportState imports by name: an import ID, or the identity's name (Terraform 1.12+).
func (r *objectResource[M, T]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "" {
		if err := validate.CheckName(req.ID); err != nil {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("Import a %s by its name. %s", r.kind(r.client).Name, err))
			return
		}
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("name"), path.Root("name"), req, resp)
	if r.managedElsewhere != nil && req.ID != "" {
		if live, err := r.kind(r.client).Get(ctx, req.ID); err == nil {
			if summary, detail := r.managedElsewhere(live); summary != "" {
				resp.Diagnostics.AddWarning(summary, detail+" Importing it lets Terraform show it; Terraform will "+
					"refuse to change or destroy it.")
			}
		}
	}
}

// refuseManagedElsewhere reports, as an error, whether the live object is reconciled by another
// controller. It reads the object only for kinds that can be (managedElsewhere set).
func (r *objectResource[M, T]) refuseManagedElsewhere(ctx context.Context, name string, diags *diag.Diagnostics) bool {
	if r.managedElsewhere == nil {
		return false
	}
	live, err := r.kind(r.client).Get(ctx, name)
	if errors.Is(err, calico.ErrNotFound) {
		return false
	}
	if err != nil {
		tfcommon.AddAPIError(diags, "Read", r.kind(r.client).Name, name, err)
		return false
	}
	summary, detail := r.managedElsewhere(live)
	if summary == "" {
		return false
	}
	diags.AddAttributeError(path.Root("name"), summary, detail)
	return true
}

// mutator writes the model into the live object during a read-modify-write.
func (r *objectResource[M, T]) mutator(ctx context.Context, m *M, diags *diag.Diagnostics) func(T) error {
	return func(live T) error {
		if r.managedElsewhere != nil {
			if summary, detail := r.managedElsewhere(live); summary != "" {
				diags.AddAttributeError(path.Root("name"), summary, detail)
				return errors.New(summary)
			}
		}
		d := r.expand(ctx, m, live)
		diags.Append(d...)
		if d.HasError() {
			return errors.New("invalid configuration")
		}
		return nil
	}
}
