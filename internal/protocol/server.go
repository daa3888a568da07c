package protocol

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// Server is the framework's server for the provider p, with the shortcuts in front of it.
type Server struct {
	// ProviderServer is the framework's server, which answers whatever the shortcuts do not.
	tfprotov6.ProviderServer
	// ActionServer and StateStoreServer are the same server, for the requests outside
	// ProviderServer that go to it as they are (forward.go). A framework that served neither
	// would leave them nil: TestServerForwardsEveryRequest fails on such an upgrade.
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
	off          bool // SwitchedOff when the server was built; it keeps it for its life
	unchanged    *unchangedAnswers
	creates      *createPlans
	validations  *configValidations
	clusterState clusterStateAnswers

	// Observe, when set, is called for every request the server answers itself, with the
	// request's name (such as "ReadResource") and type name: tests set it, before the server
	// serves, to see which answers came from the shortcuts.
	Observe func(rpc, typeName string)
}

// New returns the server for p. client returns the client p configured, nil before it is
// configured.
func New(p provider.Provider, client func() *calico.Client) *Server {
	var meta provider.MetadataResponse
	p.Metadata(context.Background(), provider.MetadataRequest{}, &meta)
	framework := providerserver.NewProtocol6(p)()
	catalog := sync.OnceValue(func() *catalog { return catalogOf(p, meta.TypeName) })
	actions, _ := framework.(tfprotov6.ActionServer)
	stateStores, _ := framework.(tfprotov6.StateStoreServer)
	return &Server{
		ProviderServer:   framework,
		ActionServer:     actions,
		StateStoreServer: stateStores,
		off:              SwitchedOff(),
		unchanged:        &unchangedAnswers{framework: framework, catalog: catalog, build: buildTag(meta.Version), client: client},
		clusterState:     clusterStateAnswers{catalog: catalog, client: client},
		creates:          &createPlans{catalog: catalog, client: client},
		validations:      &configValidations{catalog: catalog, client: client},
	}
}

// The requests Terraform makes once per resource or data source instance run in a
// requestContext (see withRequestContext). The rest (schemas, provider configuration) happen
// once per process and go straight through.

func (s *Server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	own := func(req *tfprotov6.ValidateResourceConfigRequest) *tfprotov6.ValidateResourceConfigResponse {
		if resp := s.unchanged.validate(req); resp != nil {
			return resp
		}
		return inRequestContext(ctx, req, s.validations.validate)
	}
	resp, err := ownOrFramework(s, ctx, "ValidateResourceConfig", req.TypeName, req, own, s.ProviderServer.ValidateResourceConfig)
	if err == nil && !s.off {
		s.unchanged.validated(req, resp)
	}
	return resp, err
}

func (s *Server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return ownOrFramework(s, ctx, "UpgradeResourceState", req.TypeName, req, s.unchanged.upgrade, s.ProviderServer.UpgradeResourceState)
}

func (s *Server) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return withRequestContext(ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

// The requests that carry a resource's private state take it in the framework's form and hand
// Terraform the compact form (private_wire.go).

func (s *Server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	req.Private = fromTerraform(req.Private)
	resp, err := s.readResource(ctx, req)
	if resp != nil {
		resp.Private = toTerraform(resp.Private)
	}
	return resp, err
}

func (s *Server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	req.PriorPrivate = fromTerraform(req.PriorPrivate)
	resp, err := s.planResourceChange(ctx, req)
	if resp != nil {
		resp.PlannedPrivate = toTerraform(resp.PlannedPrivate)
	}
	return resp, err
}

func (s *Server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	req.PlannedPrivate = fromTerraform(req.PlannedPrivate)
	resp, err := s.applyResourceChange(ctx, req)
	if resp != nil {
		resp.Private = toTerraform(resp.Private)
	}
	return resp, err
}

func (s *Server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := withRequestContext(ctx, req, s.ProviderServer.ImportResourceState)
	if resp != nil {
		for _, imported := range resp.ImportedResources {
			if imported != nil {
				imported.Private = toTerraform(imported.Private)
			}
		}
	}
	return resp, err
}

func (s *Server) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	req.SourcePrivate = fromTerraform(req.SourcePrivate)
	resp, err := withRequestContext(ctx, req, s.ProviderServer.MoveResourceState)
	if resp != nil {
		resp.TargetPrivate = toTerraform(resp.TargetPrivate)
	}
	return resp, err
}

func (s *Server) readResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if calico.Interrupted() {
		return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private,
			NewIdentity: req.CurrentIdentity, Diagnostics: interrupted(req.TypeName)}, nil
	}
	if s.off {
		resp, err := withRequestContext(ctx, req, s.ProviderServer.ReadResource)
		if err == nil && resp != nil {
			resp.Private = without(resp.Private, unchangedKey)
		}
		return resp, err
	}
	if resp := s.unchanged.read(ctx, req); resp != nil {
		s.answered("ReadResource", req.TypeName)
		return resp, nil
	}
	resp, err := withRequestContext(ctx, req, s.ProviderServer.ReadResource)
	if err == nil {
		s.unchanged.afterRead(req, resp)
	}
	return resp, err
}

func (s *Server) planResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if calico.Interrupted() {
		return &tfprotov6.PlanResourceChangeResponse{Diagnostics: interrupted(req.TypeName)}, nil
	}
	own := func(req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
		if resp := s.unchanged.plan(req); resp != nil {
			return resp
		}
		return inRequestContext(ctx, req, s.creates.plan)
	}
	return ownOrFramework(s, ctx, "PlanResourceChange", req.TypeName, req, own, s.ProviderServer.PlanResourceChange)
}

func (s *Server) applyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if calico.Interrupted() {
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate,
			Diagnostics: interrupted(req.TypeName)}, nil
	}
	own := func(req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
		return inRequestContext(ctx, req, s.creates.apply)
	}
	resp, err := ownOrFramework(s, ctx, "ApplyResourceChange", req.TypeName, req, own, s.ProviderServer.ApplyResourceChange)
	switch {
	case err != nil || resp == nil:
	case s.off:
		resp.Private = without(resp.Private, unchangedKey)
	default:
		s.unchanged.afterApply(ctx, req, resp)
	}
	return resp, err
}

func (s *Server) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return withRequestContext(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s *Server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if calico.Interrupted() {
		return &tfprotov6.ReadDataSourceResponse{Diagnostics: interrupted(req.TypeName)}, nil
	}
	own := func(req *tfprotov6.ReadDataSourceRequest) *tfprotov6.ReadDataSourceResponse {
		return s.clusterState.read(ctx, req)
	}
	return ownOrFramework(s, ctx, "ReadDataSource", req.TypeName, req, own, s.ProviderServer.ReadDataSource)
}

// StopProvider is Terraform interrupted while it applies: the datastore operations in flight
// stop, and so does the rest of the run (interrupted).
func (s *Server) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	calico.Interrupt()
	return s.ProviderServer.StopProvider(ctx, req)
}

// interrupted is the answer to every read, plan and apply once Terraform was interrupted, given
// at once. Terraform goes on calling the provider for each resource it has not reached, even
// after Ctrl-C; none of those calls may reach the datastore, whichever way the interruption
// came (the signal, or StopProvider alone). A read keeps the prior state, an apply leaves it as
// it was, with the private state the framework would return on a failed apply.
func interrupted(typeName string) []*tfprotov6.Diagnostic {
	summary, detail := tfcommon.DescribeInterruptedBeforeStart(typeName)
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail}}
}

// ownOrFramework answers req with own's answer when the shortcuts are on and own has one (not
// nil), and with the framework's otherwise, in a requestContext.
func ownOrFramework[Req, Resp any](s *Server, ctx context.Context, rpc, typeName string, req Req,
	own func(Req) *Resp, framework func(context.Context, Req) (*Resp, error),
) (*Resp, error) {
	if !s.off {
		if resp := own(req); resp != nil {
			s.answered(rpc, typeName)
			return resp, nil
		}
	}
	return withRequestContext(ctx, req, framework)
}

// inRequestContext is own's answer to req, given in a requestContext.
func inRequestContext[Req, Resp any](ctx context.Context, req Req, own func(context.Context, Req) *Resp) *Resp {
	resp, _ := withRequestContext(ctx, req, func(ctx context.Context, req Req) (*Resp, error) { return own(ctx, req), nil })
	return resp
}

func (s *Server) answered(rpc, typeName string) {
	if s.Observe != nil {
		s.Observe(rpc, typeName)
	}
}
