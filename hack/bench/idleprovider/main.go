// Command idleprovider serves the calico provider's schemas but does no work: it reads back
// the prior state, plans what Terraform proposes, applies what was planned and validates
// nothing. make bench applies, plans and destroys with it to measure what Terraform itself
// spends on resources with this schema through the plugin protocol: the floor under any
// provider of the same resources.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/provider"
)

func main() {
	if err := tf6server.Serve("registry.terraform.io/calico-tf/calico", newIdleServer); err != nil {
		log.Fatal(err)
	}
}

// idleServer answers the per-resource requests of apply, plan and destroy itself; the
// provider's own server answers the rest (schemas, provider configuration).
type idleServer struct {
	tfprotov6.ProviderServer
	types map[string]tftypes.Type
}

func newIdleServer() tfprotov6.ProviderServer {
	s := &idleServer{ProviderServer: provider.NewServer("idle")(), types: map[string]tftypes.Type{}}
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		log.Fatal(err)
	}
	for name, schema := range resp.ResourceSchemas {
		s.types[name] = schema.ValueType()
	}
	return s
}

func (s *idleServer) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

func (s *idleServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	typ := s.types[req.TypeName]
	v, err := req.RawState.UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{})
	if err != nil {
		return nil, err
	}
	state, err := tfprotov6.NewDynamicValue(typ, v)
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &state}, err
}

func (s *idleServer) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private, NewIdentity: req.CurrentIdentity}, nil
}

func (s *idleServer) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate, PlannedIdentity: req.PriorIdentity}, nil
}

// ApplyResourceChange stores what was planned: for a create, computed attributes Terraform
// left null stay null, which the plan already said; for a destroy, the planned null.
func (s *idleServer) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PlannedState, Private: req.PlannedPrivate, NewIdentity: req.PlannedIdentity}, nil
}
