package protocol_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
)

// The server's own answer to UpgradeResourceState for state of the current version is the
// framework's, byte for byte, for every resource type, attributes the schema lacks included.
func TestUpgradeResourceStateMatchesFramework(t *testing.T) {
	protocol.SetSwitchForTest(t, "")
	server := newTestServer()
	var answered bool
	server.Observe = func(string, string) { answered = true }
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
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
		answered = false
		own, err := server.UpgradeResourceState(ctx, req)
		if err != nil || !answered || !bytes.Equal(own.UpgradedState.MsgPack, framework.UpgradedState.MsgPack) {
			t.Errorf("%s: the server's upgrade differs from the framework's", typeName)
		}
		req.Version = schema.Version + 1 // another version is the framework's to upgrade
		answered = false
		if _, err := server.UpgradeResourceState(ctx, req); err != nil || answered {
			t.Errorf("%s: answered the upgrade of another schema version", typeName)
		}
	}
}
