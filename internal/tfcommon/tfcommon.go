// Package tfcommon holds the Terraform-side plumbing shared by resources and data sources:
// receiving the Calico client from the provider, turning Calico errors into diagnostics, and
// moving models in and out of Terraform data (model.go).
package tfcommon

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

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
