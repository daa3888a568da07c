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
// reason to send their requests, and they go straight through: Server embeds the framework's
// ActionServer and StateStoreServer (see New).
//
//nolint:staticcheck // Deprecated only for the day ProviderServer takes their methods in.
var (
	_ tfprotov6.ProviderServerWithListResource = (*Server)(nil)
	_ tfprotov6.ProviderServerWithActions      = (*Server)(nil)
	_ tfprotov6.ProviderServerWithStateStores  = (*Server)(nil)
)

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
