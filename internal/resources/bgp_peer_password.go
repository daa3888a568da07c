package resources

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// The write-only password lives in a Secret the provider owns. Its order around the peer:
// on create the peer comes first, so a create that fails (the peer exists already, say, after
// its state was lost) writes nothing and deletes nothing; on update the Secret is written
// before the peer refers to it and deleted only after the peer no longer does.

// checkPeerPasswordDatastore fails the plan of a write-only password where the provider cannot
// keep its Secret (Calico's objects in etcd), instead of failing halfway through the apply.
func checkPeerPasswordDatastore(_ context.Context, c *calico.Client, plan, _ *bgpPeerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if err := c.Require(calico.KeepsSecrets); err != nil && plan.managesPassword() {
		tfcommon.AddAttributeAPIError(&diags, path.Root("password_wo_version"), "Plan", "BGPPeer", plan.Name.ValueString(), err)
	}
	return diags
}

// checkOrWritePeerPassword runs before the peer is written: on create it only checks that the
// password can be stored; on update it writes the Secret the peer will refer to, when
// password_wo_version changes or password_wo replaces a password_secret_ref.
func checkOrWritePeerPassword(ctx context.Context, c *calico.Client, config tfsdk.Config, plan, prior *bgpPeerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if !plan.managesPassword() {
		return diags
	}
	if prior == nil {
		if _, d := peerPassword(ctx, config); d.HasError() {
			return d
		}
		return passwordSecretDiags(c.CheckPasswordSecretOwned(ctx, plan.Name.ValueString()), plan.Name.ValueString())
	}
	if prior.managesPassword() && prior.PasswordWOVersion.Equal(plan.PasswordWOVersion) {
		return diags // unchanged: the password is only sent when its version changes
	}
	return writePeerPassword(ctx, c, config, plan)
}

// finishPeerPassword runs after the peer was written: a new peer's Secret is written now (an
// error undoes the create), and a Secret the updated peer no longer refers to is removed.
func finishPeerPassword(ctx context.Context, c *calico.Client, config tfsdk.Config, plan, prior *bgpPeerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case prior == nil && plan.managesPassword():
		return writePeerPassword(ctx, c, config, plan)
	case prior != nil && prior.managesPassword() && !plan.managesPassword():
		warnOldSecretKept(&diags, prior.Name.ValueString(), c.DeletePasswordSecret(ctx, prior.Name.ValueString()))
	case prior != nil && prior.showsOwnSecret(ctx) && !plan.managesPassword() && !plan.showsOwnSecret(ctx):
		warnOldSecretKept(&diags, prior.Name.ValueString(), c.DeleteOrphanedPasswordSecret(ctx, prior.Name.ValueString()))
	}
	return diags
}

// warnOldSecretKept warns when the Secret of a password_wo the peer no longer uses could not be
// deleted: the peer was written, so this is no error.
func warnOldSecretKept(diags *diag.Diagnostics, peer string, err error) {
	if err != nil {
		summary, detail := tfcommon.Describe("Delete", "password Secret", peer, err)
		diags.AddWarning("Old Password Secret Not Deleted", fmt.Sprintf("The peer no longer uses the Secret "+
			"the provider kept its password_wo in, but deleting it failed (%s: %s). Delete it by hand.", summary, detail))
	}
}

// peerPassword reads password_wo from the configuration (write-only values are only there).
func peerPassword(ctx context.Context, config tfsdk.Config) (string, diag.Diagnostics) {
	var password types.String
	diags := config.GetAttribute(ctx, path.Root("password_wo"), &password)
	if diags.HasError() {
		return "", diags
	}
	if password.IsNull() || password.IsUnknown() || password.ValueString() == "" {
		diags.AddAttributeError(path.Root("password_wo"), "Missing BGP Password",
			"password_wo_version is set but password_wo is empty or unknown at apply time. Set password_wo (for "+
				"example from an ephemeral or sensitive variable) together with password_wo_version.")
	}
	return password.ValueString(), diags
}

func writePeerPassword(ctx context.Context, c *calico.Client, config tfsdk.Config, plan *bgpPeerModel) diag.Diagnostics {
	password, diags := peerPassword(ctx, config)
	if diags.HasError() {
		return diags
	}
	ns, name, err := c.WritePasswordSecret(ctx, plan.Name.ValueString(), password)
	if err != nil {
		return passwordSecretDiags(err, plan.Name.ValueString())
	}
	tflog.Debug(ctx, "wrote BGP password Secret", map[string]any{"namespace": ns, "secret": name,
		"password_wo_version": strconv.FormatInt(plan.PasswordWOVersion.ValueInt64(), 10)})
	return diags
}

// passwordSecretDiags words a failure to store a peer's password.
func passwordSecretDiags(err error, peer string) diag.Diagnostics {
	var diags diag.Diagnostics
	if errors.Is(err, calico.ErrNotOwned) {
		tfcommon.AddAttributeAPIError(&diags, path.Root("password_wo"), "Write", "password Secret", peer, err)
	} else if err != nil {
		tfcommon.AddAPIError(&diags, "Write", "password Secret", peer, err)
	}
	return diags
}

func deletePeerPassword(ctx context.Context, c *calico.Client, state *bgpPeerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	var err error
	switch {
	case state.managesPassword():
		err = c.DeletePasswordSecret(ctx, state.Name.ValueString())
	case state.showsOwnSecret(ctx):
		err = c.DeleteOrphanedPasswordSecret(ctx, state.Name.ValueString())
	}
	if err != nil {
		tfcommon.AddAPIError(&diags, "Delete", "password Secret", state.Name.ValueString(), err)
	}
	return diags
}

// showsOwnSecret reports whether password_secret_ref names the Secret the provider keeps a
// password_wo in: how a peer that used password_wo reads once the state that recorded it is
// lost and the peer is imported.
func (m *bgpPeerModel) showsOwnSecret(ctx context.Context) bool {
	var diags diag.Diagnostics
	ref := objectAs[secretKeyRefModel](ctx, m.PasswordSecretRef, &diags)
	return ref != nil && ref.Name.ValueString() == calico.PasswordSecretName(m.Name.ValueString()) &&
		ref.Key.ValueString() == calico.PasswordSecretKey
}
