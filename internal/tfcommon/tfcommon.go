// Package tfcommon holds the Terraform-side plumbing that resources, data sources and the
// protocol server share:
//
//   - receiving the Calico client from the provider (ClientFrom, below);
//   - wording failures as diagnostics (errors.go): the access layer's errors, a rule of
//     Calico's validator that a planned object breaks, a selector Calico's parser rejects, and
//     a failed mesh check, with the attribute to change where there is one;
//   - the warning that the cluster runs a Calico newer than the provider's (errors.go);
//   - the model of a BGP session as calico-node reports it, shared by calico_node_status and
//     the node data sources (nodestatus.go).
//
// Moving models in and out of Terraform data is package protocol's (its model.go).
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
