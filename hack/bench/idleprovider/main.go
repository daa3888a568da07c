// Command idleprovider serves the calico provider's schemas but does no work: it reads back
// the prior state, plans what Terraform proposes, applies what was planned and validates
// nothing. make bench applies, plans and destroys with it to measure what Terraform itself
// spends on resources with this schema through the plugin protocol: the floor under any
// provider of the same resources.
//
// Data sources are read by the provider's own server. With IDLE_PROVIDER_DATA_CACHE=<dir> each
// read's answer is kept in dir, by data source and configuration, and the next read of the same
// is answered from there at once: what Terraform itself spends on a data source's state of that
// size, the floor under reading it.
//
// With IDLE_PROVIDER_CALLS=<dir>, the local Calico API started from dir (internal/testenv), it
// also makes the one API call of each calico_bgp_peer it creates or destroys, as the API floor
// makes it (./peercalls), before it answers: the floor of Terraform and the datastore together,
// with the datastore's calls at the pace Terraform asks for them.
//
// With IDLE_PROVIDER_FAILS=K it fails every read and every apply after the first K applies at
// once instead, as a provider does that already knows its datastore is dead: what Terraform
// itself spends going through the resources left when the datastore dies mid-apply (K objects
// in), or after Ctrl-C.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/hack/bench/peercalls"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/provider"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
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
	// dataCache is where data sources' answers are kept (IDLE_PROVIDER_DATA_CACHE); "": none.
	dataCache string
	// peerCalls are the datastore's calls for each created or destroyed peer
	// (IDLE_PROVIDER_CALLS); nil: none.
	peerCalls peercalls.Calls
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
		failsAfter: -1, dataCache: os.Getenv("IDLE_PROVIDER_DATA_CACHE")}
	if k, err := strconv.ParseInt(os.Getenv("IDLE_PROVIDER_FAILS"), 10, 64); err == nil {
		s.failsAfter = k
	}
	if dir := os.Getenv("IDLE_PROVIDER_CALLS"); dir != "" {
		env, err := testenv.Load(dir)
		if err != nil {
			log.Fatal(err)
		}
		if s.peerCalls, err = peercalls.New(env); err != nil {
			log.Fatal(err)
		}
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
func (s *idleServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if s.failsAfter >= 0 && s.applies.Add(1) > s.failsAfter {
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Diagnostics: unreachable}, nil
	}
	if s.peerCalls != nil && req.TypeName == "calico_bgp_peer" {
		if err := s.callFor(ctx, req); err != nil {
			return nil, err
		}
	}
	return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PlannedState, Private: req.PlannedPrivate, NewIdentity: req.PlannedIdentity}, nil
}

// callFor makes the API call of a peer's create (planned, no prior state) or destroy (planned
// null); an update makes none, as the bench makes none.
func (s *idleServer) callFor(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) error {
	typ := s.types[req.TypeName]
	prior, err := req.PriorState.Unmarshal(typ)
	if err != nil {
		return err
	}
	planned, err := req.PlannedState.Unmarshal(typ)
	if err != nil {
		return err
	}
	switch {
	case planned.IsNull():
		return s.peerCalls.Delete(ctx, stringAttribute(prior, "name"))
	case prior.IsNull():
		asNumber, err := strconv.ParseUint(stringAttribute(planned, "as_number"), 10, 32)
		if err != nil {
			return err
		}
		return s.peerCalls.Create(ctx, stringAttribute(planned, "name"), stringAttribute(planned, "peer_ip"), uint32(asNumber))
	}
	return nil
}

// stringAttribute is an object's string attribute; "" when unset.
func stringAttribute(object tftypes.Value, name string) string {
	var attributes map[string]tftypes.Value
	var v string
	if object.As(&attributes) == nil {
		_ = attributes[name].As(&v)
	}
	return v
}

// ReadDataSource answers from the data cache when it holds this read, else through the
// provider's own server, keeping the answer there.
func (s *idleServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if s.dataCache == "" || req.Config == nil {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	kept := filepath.Join(s.dataCache, fmt.Sprintf("%s-%x.msgpack", req.TypeName, sha256.Sum256(req.Config.MsgPack)))
	if b, err := os.ReadFile(kept); err == nil {
		return &tfprotov6.ReadDataSourceResponse{State: &tfprotov6.DynamicValue{MsgPack: b}}, nil
	}
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if err == nil && resp.State != nil && len(resp.State.MsgPack) > 0 && !hasError(resp.Diagnostics) {
		if err := os.WriteFile(kept, resp.State.MsgPack, 0o600); err != nil {
			log.Printf("[WARN] keeping %s: %v", kept, err)
		}
	}
	return resp, err
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
