package resources

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// sessionGuardModel is session_guard (sessionGuardAttribute).
type sessionGuardModel struct {
	AllowCutOff types.Bool           `tfsdk:"allow_cut_off"`
	Timeout     customtypes.Duration `tfsdk:"timeout"`
}

const defaultSessionGuardTimeout = 2 * time.Minute

// attributeSource is where session_guard is read: the plan on create and update, the state on
// destroy.
type attributeSource interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// guardSessions checks, before a write of a resource that makes BGP sessions, that change cuts
// no node off (bgp.GuardChange), with the resource's session_guard from src. It returns what to
// call once the write is done (true) or failed (false); nil, with the error in diags, when the
// write must not happen. creates: the change only adds an object whose sessions are new.
func guardSessions(ctx context.Context, c *calico.Client, change bgp.PlannedChange, creates bool, src attributeSource, action, kind string, diags *diag.Diagnostics) func(written bool) {
	guard := bgp.Guard{Timeout: defaultSessionGuardTimeout}
	var setting types.Object
	diags.Append(src.GetAttribute(ctx, path.Root("session_guard"), &setting)...)
	if set := objectAs[sessionGuardModel](ctx, setting, diags); set != nil {
		guard.AllowCutOff = set.AllowCutOff.ValueBool()
		if !set.Timeout.IsNull() {
			guard.Timeout, _ = time.ParseDuration(set.Timeout.ValueString()) // validated by the type
		}
	}
	if diags.HasError() {
		return nil
	}
	guard.Progress = func(p bgp.MeshCheckProgress) {
		tflog.Info(ctx, fmt.Sprintf("Waiting for Established BGP sessions before this change drops others: "+
			"%d of %d nodes ready after %s", p.Ready, p.Total, p.Elapsed), map[string]any{"waiting_for": p.Waiting})
	}
	record, err := bgp.GuardChange(ctx, c, change, guard, creates)
	if err != nil && ctx.Err() != nil {
		// Terraform stopped waiting: whatever failed, the change was not made for that reason.
		err = &calico.Error{Class: calico.ErrInterrupted, Op: calico.OpList, Err: err}
	}
	if err != nil {
		tfcommon.AddAttributeAPIError(diags, path.Root("session_guard"), action, kind, change.Name, err)
		return nil
	}
	return record
}
