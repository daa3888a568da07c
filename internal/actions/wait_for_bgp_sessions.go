// Package actions is the provider's Terraform actions (Terraform 1.14 and later).
package actions

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// All is every action of the provider.
func All() []func() action.Action {
	return []func() action.Action{NewWaitForBGPSessions}
}

// NewWaitForBGPSessions is the calico_wait_for_bgp_sessions action.
func NewWaitForBGPSessions() action.Action { return &waitForBGPSessions{} }

type waitForBGPSessions struct{ client *calico.Client }

var _ action.ActionWithConfigure = (*waitForBGPSessions)(nil)

type waitForBGPSessionsModel struct {
	NodeSelector types.String         `tfsdk:"node_selector"`
	Timeout      customtypes.Duration `tfsdk:"timeout"`
}

// The wait's defaults: every node, for up to five minutes.
const (
	defaultSelector = "all()"
	defaultTimeout  = 5 * time.Minute
)

func (a *waitForBGPSessions) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wait_for_bgp_sessions"
}

func (a *waitForBGPSessions) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits until the fabric has converged: every BGP session Calico configures for the " +
			"selected nodes (as `calico_bgp_topology` computes them from the live objects when the action runs) is " +
			"**Established**, as calico-node reports it in `CalicoNodeStatus`. The nodes' own status objects are used " +
			"where they report BGP with an update period of at most 60 seconds; for the others the provider creates " +
			"temporary ones (`terraform-mesh-check-<node>`, at most 100 at a time) and deletes them when the node is " +
			"ready or the wait ends. It fails after `timeout` naming each session that is not Established and the state " +
			"BIRD reports for it (`Active`, `Connect`, `OpenSent`, ...). Nodes without sessions are not waited for.\n\n" +
			"Invoke it after the changes it should confirm, with an `action_trigger` in the lifecycle of the last " +
			"resource (`events = [after_create, after_update]`), or by hand with `terraform apply " +
			"-invoke=action.calico_wait_for_bgp_sessions.<name>`. Actions need Terraform 1.14 or later; the guide " +
			"\"Changing a live fabric\" gives a `check` block over `calico_nodes` for OpenTofu and older Terraform. " +
			"On the etcd datastore calico-node 3.31 writes no status report, and the wait fails there, saying so.",
		Attributes: map[string]schema.Attribute{
			"node_selector": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The nodes whose sessions to wait for, in Calico's selector syntax over the nodes' labels. Default `all()`.",
				Validators:          []validator.String{validate.Selector()},
			},
			"timeout": schema.StringAttribute{
				CustomType:          customtypes.DurationType{},
				Optional:            true,
				MarkdownDescription: "How long to wait, as a duration (`90s`, `5m`). Default `5m`.",
			},
		},
	}
}

func (a *waitForBGPSessions) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = tfcommon.ClientFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *waitForBGPSessions) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m waitForBGPSessionsModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	wait := bgp.Convergence{NodeSelector: defaultSelector, Timeout: defaultTimeout}
	if !m.NodeSelector.IsNull() {
		wait.NodeSelector = m.NodeSelector.ValueString()
	}
	if !m.Timeout.IsNull() {
		wait.Timeout, _ = time.ParseDuration(m.Timeout.ValueString()) // validated by the type
	}
	wait.Progress = func(p bgp.MeshCheckProgress) {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("%d of %d nodes have every BGP session Established "+
			"after %s; waiting for %v", p.Ready, p.Total, p.Elapsed, p.Waiting)})
	}
	if a.client == nil {
		resp.Diagnostics.AddError("Provider Not Configured", "The provider was not configured before the action ran.")
		return
	}
	if err := bgp.WaitForConvergence(ctx, a.client, wait); err != nil {
		tfcommon.AddAPIError(&resp.Diagnostics, "Read", "CalicoNodeStatus", "", err)
	}
}
