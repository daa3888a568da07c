// Command idleprovider serves the calico provider's schemas but does no work: it reads back
// the prior state, plans what Terraform proposes, applies what was planned and validates
// nothing. make bench applies, plans and destroys with it to measure what Terraform itself
// spends on resources with this schema through the plugin protocol: the floor under any
// provider of the same resources.
//
// With IDLE_PROVIDER_FAILS=K it fails every read and every apply after the first K applies at
// once instead, as a provider does that already knows its datastore is dead: what Terraform
// itself spends going through the resources left when the datastore dies mid-apply (K objects
// in), or after Ctrl-C.
package main

import (
	"context"
	"errors"
	"log"
	"os"
	"strconv"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/provider"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
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
	// failsAfter is how many applies succeed before every read and apply fails; -1: none fails.
	failsAfter int64
	applies    atomic.Int64
}

// unreachable is the error of every read and apply that fails with IDLE_PROVIDER_FAILS: the
// provider's own wording of an operation not sent to a silent datastore, so that Terraform
// renders as much for each as it does for the provider's.
var unreachable = func() []*tfprotov6.Diagnostic {
	summary, detail := tfcommon.Describe("Create", "BGPPeer", "idle", &calico.Error{Class: calico.ErrUnreachable,
		Op: "create", Kind: "BGPPeer", Name: "idle", APIGroup: "crd.projectcalico.org/v1", Endpoint: "https://127.0.0.1:6443",
		Err: errors.New("not sent: the datastore has left operations unanswered for 10s")})
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail}}
}()

func newIdleServer() tfprotov6.ProviderServer {
	s := &idleServer{ProviderServer: provider.NewServer("idle")(), types: map[string]tftypes.Type{},
		failsAfter: -1}
	if k, err := strconv.ParseInt(os.Getenv("IDLE_PROVIDER_FAILS"), 10, 64); err == nil {
		s.failsAfter = k
	}
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
	if s.failsAfter >= 0 && s.applies.Load() >= s.failsAfter {
		return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Diagnostics: unreachable}, nil
	}
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private, NewIdentity: req.CurrentIdentity}, nil
}

func (s *idleServer) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate, PlannedIdentity: req.PriorIdentity}, nil
}

// ApplyResourceChange stores what was planned: for a create, computed attributes Terraform
// left null stay null, which the plan already said; for a destroy, the planned null.
func (s *idleServer) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if s.failsAfter >= 0 && s.applies.Add(1) > s.failsAfter {
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Diagnostics: unreachable}, nil
	}
	return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PlannedState, Private: req.PlannedPrivate, NewIdentity: req.PlannedIdentity}, nil
}
