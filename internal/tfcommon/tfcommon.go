// Package tfcommon holds the Terraform-side plumbing shared by resources and data sources:
// receiving the Calico client from the provider, turning Calico errors into diagnostics, and
// moving models in and out of Terraform data (model.go).
package tfcommon

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// ClientFrom takes the client the provider configured. Nil provider data (validation runs
// before Configure) yields nil without error; a wrong type is a diagnostic, never a panic.
func ClientFrom(providerData any, diags *diag.Diagnostics) *calico.Client {
	if providerData == nil {
		return nil
	}
	c, ok := providerData.(*calico.Client)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *calico.Client, got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return c
}

// AddAPIError adds a diagnostic for a failed API call, with cause and remedy. action is a
// title-case verb ("Create").
func AddAPIError(diags *diag.Diagnostics, action, kind, name string, err error) {
	var ce *calico.Error
	if errors.As(err, &ce) {
		diags.AddError(ce.Summary, ce.Detail)
		return
	}
	summary := fmt.Sprintf("Failed to %s %s", action, kind)
	switch {
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		diags.AddError(summary, fmt.Sprintf("Calico rejected %s %q: %s\nFix the attribute it names and apply again.", kind, name, err))
	case apierrors.IsConflict(err):
		diags.AddError(summary, fmt.Sprintf("%s %q was changed by someone else while it was being written: %s\n"+
			"Run terraform apply again; the provider re-reads the object each time.", kind, name, err))
	default:
		diags.AddError(summary, fmt.Sprintf("The Kubernetes API answered an error for %s %q: %s", kind, name, err))
	}
}
