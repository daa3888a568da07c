package protocol_test

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
)

// The framework keeps every request context's cancel function until StopProvider; the server
// must still let go of each request's context (and all it refers to) when the request ends.
func TestServerReleasesRequestContexts(t *testing.T) {
	server := newTestServer()
	const typeName = "calico_no_such_type" // every request fails early, after the context is kept
	requests := map[string]func(context.Context) error{
		"ValidateResourceConfig":     call(server.ValidateResourceConfig, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName}),
		"UpgradeResourceState":       call(server.UpgradeResourceState, &tfprotov6.UpgradeResourceStateRequest{TypeName: typeName}),
		"UpgradeResourceIdentity":    call(server.UpgradeResourceIdentity, &tfprotov6.UpgradeResourceIdentityRequest{TypeName: typeName}),
		"ReadResource":               call(server.ReadResource, &tfprotov6.ReadResourceRequest{TypeName: typeName}),
		"PlanResourceChange":         call(server.PlanResourceChange, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName}),
		"ApplyResourceChange":        call(server.ApplyResourceChange, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName}),
		"ImportResourceState":        call(server.ImportResourceState, &tfprotov6.ImportResourceStateRequest{TypeName: typeName}),
		"MoveResourceState":          call(server.MoveResourceState, &tfprotov6.MoveResourceStateRequest{TargetTypeName: typeName}),
		"ValidateDataResourceConfig": call(server.ValidateDataResourceConfig, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName}),
		"ReadDataSource":             call(server.ReadDataSource, &tfprotov6.ReadDataSourceRequest{TypeName: typeName}),
		"ValidateListResourceConfig": call(server.ValidateListResourceConfig, &tfprotov6.ValidateListResourceConfigRequest{TypeName: typeName}),
		"ListResource": func(ctx context.Context) error {
			stream, err := server.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: typeName})
			if err != nil {
				return err
			}
			for range stream.Results { // as tf6server drains it, within the request
			}
			return nil
		},
	}
	for name, request := range requests {
		t.Run(name, func(t *testing.T) {
			held := requestWithPayload(t, request)
			runtime.GC()
			if held.Value() != nil {
				t.Errorf("%s: the server still refers to the request's context after the request ended", name)
			}
		})
	}
}

// call is a request that calls rpc with req, for requestWithPayload.
func call[Req, Resp any](rpc func(context.Context, Req) (Resp, error), req Req) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := rpc(ctx, req)
		return err
	}
}

// requestWithPayload makes a request whose context carries a large value and returns a weak
// pointer to that value.
func requestWithPayload(t *testing.T, request func(context.Context) error) weak.Pointer[[1 << 20]byte] {
	t.Helper()
	type payloadKey struct{}
	payload := new([1 << 20]byte)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, payload))
	defer cancel() // as gRPC does when a request ends
	if err := request(ctx); err != nil {
		t.Fatal(err)
	}
	return weak.Make(payload)
}

// Observe sees the requests the server answers itself, and only those.
func TestObserveSeesOwnAnswers(t *testing.T) {
	protocol.SetSwitchForTest(t, "")
	server := newTestServer()
	var seen []string
	server.Observe = func(rpc, typeName string) { seen = append(seen, rpc+" "+typeName) }
	ctx := context.Background()
	state := &tfprotov6.RawState{JSON: []byte(`{"name":"x"}`)}
	if _, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "calico_bgp_peer", RawState: state}); err != nil {
		t.Fatal(err)
	}
	// Another schema version is the framework's to upgrade.
	if _, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "calico_bgp_peer", Version: 99, RawState: state}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"UpgradeResourceState calico_bgp_peer"}; !slices.Equal(seen, want) {
		t.Errorf("observed %q, want %q", seen, want)
	}
}
