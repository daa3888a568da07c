package resources

// The node-keys engine: a node resource (calico_node_bgp, calico_node_rr) owns some settings
// and labels of a Calico node rather than an object of its own. Its CRUD and import live here
// once; each node resource file supplies its schema, its model and which keys it owns
// (nodeKeysMapping).

import (
	"context"
	"encoding/json"
	"errors"
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

// nodeKeysMapping is what a node resource defines: which settings and label keys of a Calico node
// it owns and how they map to its attributes. Everything else on the node belongs to others
// (calico-node, kubelet, users) and is never written.
type nodeKeysMapping[M any] struct {
	typeName string
	// schema builds the resource's schema; the framework asks for it once per provider
	// process, while it constructs the resource for every request.
	schema func() schema.Schema
	node   func(*M) *types.String
	// owned returns the keys this resource sets and their values. config is nil when only
	// state is known (after an import): then only keys the resource always owns count.
	owned func(ctx context.Context, m, config *M) (ownedKeys, diag.Diagnostics)
	// flatten reads the attributes from the Node; m holds prior values.
	flatten func(ctx context.Context, n *calico.Node, m *M) diag.Diagnostics
	// listedNodes says which nodes the list resource lists ("that ..."), listed picks them, and
	// unlisted, when set, clears in a listed model the values the generated configuration must
	// not claim: values others own that the resource can set. listed must pick only nodes that
	// have every value the resource requires: the configuration generated for any other would
	// fail to plan.
	listedNodes string
	listed      func(*calico.Node) bool
	unlisted    func(*M)
	// keptAnnotations are never removed from the Node, even when the resource stops owning them
	// or is destroyed (a node's BGP addresses: removing them would break its sessions).
	keptAnnotations []string
}

type ownedKeys struct {
	Annotations map[string]string `json:"annotations,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
}

const privateOwnedKeys = "owned_keys"

type nodeKeysResource[M any] struct {
	nodeKeysMapping[M]
	client *calico.Client
}

func newNodeKeysResource[M any](k nodeKeysMapping[M]) resource.Resource {
	return &nodeKeysResource[M]{nodeKeysMapping: k}
}

var (
	_ resource.ResourceWithConfigure   = (*nodeKeysResource[struct{}])(nil)
	_ resource.ResourceWithIdentity    = (*nodeKeysResource[struct{}])(nil)
	_ resource.ResourceWithImportState = (*nodeKeysResource[struct{}])(nil)
	_ resource.ResourceWithModifyPlan  = (*nodeKeysResource[struct{}])(nil)
)

// nodeIdentity is the resource identity of a node resource: the node's name.
type nodeIdentity struct {
	Node types.String `tfsdk:"node"`
}

func (r *nodeKeysResource[M]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"node": identityschema.StringAttribute{RequiredForImport: true, Description: "Name of the node."},
	}}
}

// setNodeIdentity sets the identity, where Terraform supports identities (1.12+).
func setNodeIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, node string, diags *diag.Diagnostics) {
	if identity != nil {
		diags.Append(identity.Set(ctx, nodeIdentity{Node: types.StringValue(node)})...)
	}
}

// setRead sets the state to the node as the API returned it: m (the prior values) flattened
// from n, and the identity.
func (r *nodeKeysResource[M]) setRead(ctx context.Context, n *calico.Node, m *M, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	diags.Append(r.flatten(ctx, n, m)...)
	diags.Append(protocol.SetState(ctx, state, m)...)
	setNodeIdentity(ctx, identity, n.Name, diags)
}

func (r *nodeKeysResource[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.typeName
}

func (r *nodeKeysResource[M]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema()
}

func (r *nodeKeysResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = tfcommon.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func readOwned(ctx context.Context, p privateState, diags *diag.Diagnostics) (ownedKeys, bool) {
	var o ownedKeys
	b, d := p.GetKey(ctx, privateOwnedKeys)
	diags.Append(d...)
	if len(b) == 0 {
		return o, false
	}
	if err := json.Unmarshal(b, &o); err != nil {
		diags.AddError("Corrupt Private State", "The record of which Node keys this resource owns cannot be read: "+err.Error())
	}
	return o, true
}

func writeOwned(ctx context.Context, p privateState, o ownedKeys, diags *diag.Diagnostics) {
	b, err := json.Marshal(o)
	if err != nil {
		diags.AddError("Cannot Record Owned Keys", err.Error())
		return
	}
	diags.Append(p.SetKey(ctx, privateOwnedKeys, b)...)
}

// patch builds the change from prior to next ownership: set what next owns, remove what only
// prior owned (except kept annotations).
func (r *nodeKeysResource[M]) patch(prior, next ownedKeys) calico.NodeKeys {
	keys := calico.NodeKeys{Annotations: map[string]*string{}, Labels: map[string]*string{}}
	for k := range prior.Annotations {
		if _, still := next.Annotations[k]; !still && !slices.Contains(r.keptAnnotations, k) {
			keys.Annotations[k] = nil
		}
	}
	for k := range prior.Labels {
		if _, still := next.Labels[k]; !still {
			keys.Labels[k] = nil
		}
	}
	for k, v := range next.Annotations {
		keys.Annotations[k] = &v
	}
	for k, v := range next.Labels {
		keys.Labels[k] = &v
	}
	return keys
}

// write applies the plan's keys, records them and sets the state to the node as written, for
// Create and Update; prior is what the resource owned before.
func (r *nodeKeysResource[M]) write(ctx context.Context, plan, config *M, prior ownedKeys, src attributeSource, p privateState, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	next, d := r.owned(ctx, plan, config)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	name := r.node(plan).ValueString()
	keys := r.patch(prior, next)
	record := guardSessions(ctx, r.client, bgp.PlannedChange{Name: name, NodeKeys: &keys}, false, src, "Update", "Node", diags)
	if record == nil {
		return
	}
	n, err := r.client.Nodes().Patch(ctx, name, keys)
	record(err == nil)
	if errors.Is(err, calico.ErrNotFound) {
		tfcommon.AddAttributeAPIError(diags, path.Root("node"), "Update", "Node", name, err)
		return
	}
	if err != nil {
		tfcommon.AddAPIError(diags, "Update", "Node", name, err)
		return
	}
	writeOwned(ctx, p, next, diags)
	r.setRead(ctx, n, plan, state, identity, diags)
}

// ModifyPlan says which BGP sessions the planned keys drop, reset and add (a cluster ID or an
// AS number changes a node's sessions), against the live nodes and objects. A plan that changes
// nothing computes nothing; a node that does not exist changes no session (the apply reports it).
func (r *nodeKeysResource[M]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Once the client has written (an apply planning again), nothing is computed: see bgp.SessionImpact.
	if req.Plan.Raw.Equal(req.State.Raw) || r.client == nil || !r.client.Known() || !req.Config.Raw.IsFullyKnown() ||
		r.client.Writes() > 0 {
		return
	}
	var prior, next ownedKeys
	var name string
	if !req.State.Raw.IsNull() {
		var state M
		resp.Diagnostics.Append(protocol.GetState(ctx, req.State, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		prior, name = r.priorOwned(ctx, req.Private, &state, &resp.Diagnostics), r.node(&state).ValueString()
	}
	if !req.Plan.Raw.IsNull() {
		var plan, config M
		resp.Diagnostics.Append(protocol.GetPlan(ctx, req.Plan, &plan)...)
		resp.Diagnostics.Append(protocol.GetConfig(ctx, req.Config, &config)...)
		if resp.Diagnostics.HasError() {
			return
		}
		var d diag.Diagnostics
		next, d = r.owned(ctx, &plan, &config)
		if d.HasError() {
			return // the apply's write reports it
		}
		name = r.node(&plan).ValueString()
	}
	keys := r.patch(prior, next)
	impact, err := bgp.SessionImpact(ctx, r.client, bgp.PlannedChange{Name: name, NodeKeys: &keys})
	if err != nil {
		tflog.Warn(ctx, "the plan's BGP session impact could not be computed", map[string]any{"error": err.Error()})
		return
	}
	tfcommon.WarnSessionImpact(impact, &resp.Diagnostics)
}

func (r *nodeKeysResource[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config M
	resp.Diagnostics.Append(protocol.GetPlan(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(protocol.GetConfig(ctx, req.Config, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, &plan, &config, ownedKeys{}, req.Plan, resp.Private, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *nodeKeysResource[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(protocol.GetState(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := r.node(&m).ValueString()
	n, err := r.client.Nodes().Get(ctx, name)
	if errors.Is(err, calico.ErrNotFound) {
		tflog.Info(ctx, "node deleted outside Terraform; removing the resource from state", map[string]any{"node": name})
		setNodeIdentity(ctx, resp.Identity, name, &resp.Diagnostics) // the framework wants one even here
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", "Node", name, err)
		return
	}
	r.setRead(ctx, n, &m, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *nodeKeysResource[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state M
	resp.Diagnostics.Append(protocol.GetPlan(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(protocol.GetConfig(ctx, req.Config, &config)...)
	resp.Diagnostics.Append(protocol.GetState(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := r.priorOwned(ctx, req.Private, &state, &resp.Diagnostics)
	r.write(ctx, &plan, &config, prior, req.Plan, resp.Private, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *nodeKeysResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(protocol.GetState(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := r.priorOwned(ctx, req.Private, &state, &resp.Diagnostics)
	name := r.node(&state).ValueString()
	keys := r.patch(prior, ownedKeys{})
	record := guardSessions(ctx, r.client, bgp.PlannedChange{Name: name, NodeKeys: &keys}, false, req.State, "Update", "Node", &resp.Diagnostics)
	if record == nil {
		return
	}
	_, err := r.client.Nodes().Patch(ctx, name, keys)
	record(err == nil || errors.Is(err, calico.ErrNotFound))
	if err != nil && !errors.Is(err, calico.ErrNotFound) {
		tfcommon.AddAPIError(&resp.Diagnostics, "Update", "Node", name, err)
	}
}

// priorOwned is what the resource recorded owning, or after an import what its state implies.
func (r *nodeKeysResource[M]) priorOwned(ctx context.Context, p privateState, state *M, diags *diag.Diagnostics) ownedKeys {
	if o, ok := readOwned(ctx, p, diags); ok {
		return o
	}
	o, d := r.owned(ctx, state, nil)
	diags.Append(d...)
	return o
}

// ImportState imports by node name: an import ID, or the identity's node (Terraform 1.12+).
func (r *nodeKeysResource[M]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "" {
		if err := validate.CheckName(req.ID); err != nil {
			resp.Diagnostics.AddError("Invalid Import ID", "Import by the node's name. "+err.Error())
			return
		}
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("node"), path.Root("node"), req, resp)
}
