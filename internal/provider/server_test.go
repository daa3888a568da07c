package provider

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The framework keeps every request context's cancel function until StopProvider; the server
// must still let go of each request's context (and all it refers to) when the request ends.
func TestServerReleasesRequestContexts(t *testing.T) {
	server := NewServer("test")()
	const typeName = "calico_no_such_type" // every request fails early, after the context is kept
	requests := map[string]func(context.Context) error{
		"ValidateResourceConfig": func(ctx context.Context) error {
			_, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName})
			return err
		},
		"UpgradeResourceState": func(ctx context.Context) error {
			_, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: typeName})
			return err
		},
		"UpgradeResourceIdentity": func(ctx context.Context) error {
			_, err := server.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{TypeName: typeName})
			return err
		},
		"ReadResource": func(ctx context.Context) error {
			_, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName})
			return err
		},
		"PlanResourceChange": func(ctx context.Context) error {
			_, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: typeName})
			return err
		},
		"ApplyResourceChange": func(ctx context.Context) error {
			_, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: typeName})
			return err
		},
		"ImportResourceState": func(ctx context.Context) error {
			_, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName})
			return err
		},
		"MoveResourceState": func(ctx context.Context) error {
			_, err := server.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{TargetTypeName: typeName})
			return err
		},
		"ValidateDataResourceConfig": func(ctx context.Context) error {
			_, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName})
			return err
		},
		"ReadDataSource": func(ctx context.Context) error {
			_, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName})
			return err
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

func TestRequestContextAfterTheRequest(t *testing.T) {
	type key struct{}
	rc := &requestContext{request: context.WithValue(context.Background(), key{}, "v")}
	if rc.Value(key{}) != "v" || rc.Err() != nil {
		t.Fatalf("during the request: Value = %v, Err = %v; want the request's value and no error", rc.Value(key{}), rc.Err())
	}
	rc.end()
	select {
	case <-rc.Done():
	default:
		t.Error("after the request: Done is open, want closed")
	}
	if rc.Value(key{}) != nil || rc.Err() != context.Canceled {
		t.Errorf("after the request: Value = %v, Err = %v; want nil and context.Canceled", rc.Value(key{}), rc.Err())
	}
}

// The server's own answer to UpgradeResourceState for state of the current version is the
// framework's, byte for byte, for every resource type, attributes the schema lacks included.
func TestUpgradeResourceStateMatchesFramework(t *testing.T) {
	server := NewServer("test")().(releasingServer)
	ctx := context.Background()
	schemas, err := server.ProviderServer.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for typeName, schema := range schemas.ResourceSchemas {
		req := &tfprotov6.UpgradeResourceStateRequest{TypeName: typeName, Version: schema.Version,
			RawState: &tfprotov6.RawState{JSON: []byte(`{"name":"x","node":"n","no_such_attribute":1}`)}}
		framework, err := server.ProviderServer.UpgradeResourceState(ctx, req)
		if err != nil || len(framework.Diagnostics) > 0 {
			t.Fatalf("%s: framework: %v %v", typeName, err, framework.Diagnostics)
		}
		own := server.unchanged.upgrade(req)
		if own == nil || !bytes.Equal(own.UpgradedState.MsgPack, framework.UpgradedState.MsgPack) {
			t.Errorf("%s: the server's upgrade differs from the framework's", typeName)
		}
		req.Version = schema.Version + 1 // another version is the framework's to upgrade
		if server.unchanged.upgrade(req) != nil {
			t.Errorf("%s: answered the upgrade of another schema version", typeName)
		}
	}
}
