package protocol

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The framework also serves list resources, actions and state stores, whose requests
// tfprotov6 (v0.31) keeps out of ProviderServer for now: tf6server finds them through
// ProviderServerWithListResource, ProviderServerWithActions and ProviderServerWithStateStores.
// The server forwards them all, as they are; none of them is a shortcut. List requests run in a
// requestContext, as every request per resource does: the provider defines a list resource for
// every resource type (`terraform query`). ListResource's stream is produced after the call has
// returned, with the call's context, so that context is let go of when the stream has been
// drained (see ListResource). The provider defines no action or state store, so Terraform has no
// reason to send their requests, and they go straight through.
//
//nolint:staticcheck // Deprecated only for the day ProviderServer takes their methods in.
var (
	_ tfprotov6.ProviderServerWithListResource = (*Server)(nil)
	_ tfprotov6.ProviderServerWithActions      = (*Server)(nil)
	_ tfprotov6.ProviderServerWithStateStores  = (*Server)(nil)
)

// forward calls rpc on the framework's server, if it serves F (TestServerForwardsEveryRequest
// checks that it does).
func forward[F, Req, Resp any](s *Server, name string, rpc func(F, context.Context, Req) (Resp, error), ctx context.Context, req Req) (Resp, error) {
	f, err := served[F](s, name)
	if err != nil {
		var none Resp
		return none, err
	}
	return rpc(f, ctx, req)
}

// served is the framework's server as an F, for the request name.
func served[F any](s *Server, name string) (F, error) {
	f, ok := s.ProviderServer.(F)
	if !ok {
		return f, fmt.Errorf("terraform-plugin-framework's server does not serve %s", name)
	}
	return f, nil
}

func (s *Server) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	f, err := served[tfprotov6.ListResourceServer](s, "ValidateListResourceConfig")
	if err != nil {
		return nil, err
	}
	return withRequestContext(ctx, req, f.ValidateListResourceConfig)
}

// ListResource runs the list request in a requestContext that ends when Terraform has drained
// the stream (or stopped reading it), not when the call returns: the framework produces the
// results while the stream is read, with the call's context. A stream that is never read keeps
// its context, as it keeps the framework's work.
func (s *Server) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	f, err := served[tfprotov6.ListResourceServer](s, "ListResource")
	if err != nil {
		return nil, err
	}
	rc := &requestContext{request: ctx}
	stream, err := f.ListResource(rc, req)
	if err != nil || stream == nil || stream.Results == nil {
		rc.end()
		return stream, err
	}
	results := stream.Results
	return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
		defer rc.end()
		results(push)
	}}, nil
}

func (s *Server) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return forward(s, "ValidateActionConfig", tfprotov6.ActionServer.ValidateActionConfig, ctx, req)
}

func (s *Server) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return forward(s, "PlanAction", tfprotov6.ActionServer.PlanAction, ctx, req)
}

func (s *Server) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return forward(s, "InvokeAction", tfprotov6.ActionServer.InvokeAction, ctx, req)
}

func (s *Server) ValidateStateStoreConfig(ctx context.Context, req *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	return forward(s, "ValidateStateStoreConfig", tfprotov6.StateStoreServer.ValidateStateStoreConfig, ctx, req)
}

func (s *Server) ConfigureStateStore(ctx context.Context, req *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	return forward(s, "ConfigureStateStore", tfprotov6.StateStoreServer.ConfigureStateStore, ctx, req)
}

func (s *Server) ReadStateBytes(ctx context.Context, req *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	return forward(s, "ReadStateBytes", tfprotov6.StateStoreServer.ReadStateBytes, ctx, req)
}

func (s *Server) WriteStateBytes(ctx context.Context, req *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	return forward(s, "WriteStateBytes", tfprotov6.StateStoreServer.WriteStateBytes, ctx, req)
}

func (s *Server) GetStates(ctx context.Context, req *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	return forward(s, "GetStates", tfprotov6.StateStoreServer.GetStates, ctx, req)
}

func (s *Server) DeleteState(ctx context.Context, req *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	return forward(s, "DeleteState", tfprotov6.StateStoreServer.DeleteState, ctx, req)
}

func (s *Server) LockState(ctx context.Context, req *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	return forward(s, "LockState", tfprotov6.StateStoreServer.LockState, ctx, req)
}

func (s *Server) UnlockState(ctx context.Context, req *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	return forward(s, "UnlockState", tfprotov6.StateStoreServer.UnlockState, ctx, req)
}
