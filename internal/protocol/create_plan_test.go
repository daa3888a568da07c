package protocol_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	"github.com/calico-tf/terraform-provider-calico/internal/resources"
)

// newConfiguredTestServer is the server for the provider's resources with client configured,
// the framework's resources given the same client.
func newConfiguredTestServer(t *testing.T, client *calico.Client) *protocol.Server {
	t.Helper()
	p := protocol.TestProvider{TypeName: "calico", ResourceTypes: resources.All(), Client: client}
	server := protocol.New(p, func() *calico.Client { return client })
	empty, err := tfprotov6.NewDynamicValue(tftypes.Object{}, tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{Config: &empty})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return server
}

// The server's own plan of a new calico_bgp_peer is the framework's, byte for byte: valid
// configurations, write-only values, nested attributes, values not yet known, and
// configurations Calico refuses, whose errors name the same attributes.
func TestCreatePlanMatchesFramework(t *testing.T) {
	protocol.SetSwitchForTest(t, "")
	server := newConfiguredTestServer(t, calico.NewUnknownClient())
	// Only calico_bgp_peer's schema qualifies: the others have defaults, computed attributes or
	// lists of objects, which the framework's steps change.
	if types := protocol.CreatePlanTypes(server); len(types) != 1 || !types["calico_bgp_peer"] {
		t.Fatalf("the server answers the create plans of %v, want calico_bgp_peer only", types)
	}
	var answered bool
	server.Observe = func(rpc, _ string) { answered = answered || rpc == "PlanResourceChange" }
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.ResourceSchemas["calico_bgp_peer"].ValueType()
	unknownPeerIP := func(v tftypes.Value) tftypes.Value {
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			t.Fatal(err)
		}
		attrs["peer_ip"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		return tftypes.NewValue(v.Type(), attrs)
	}
	for _, tc := range []struct {
		name   string
		config string
		modify func(tftypes.Value) tftypes.Value
	}{
		{"valid", `{"name":"tor1","peer_ip":"10.0.0.1","as_number":"65001"}`, nil},
		{"write-only password", `{"name":"tor2","peer_ip":"10.0.0.2","as_number":"65001","password_wo":"s3cret","password_wo_version":1}`, nil},
		{"nested and lists", `{"name":"rr","node_selector":"!has(rr)","peer_selector":"has(rr)","filters":["a","b"],"session_guard":{"allow_cut_off":true,"timeout":"5m"}}`, nil},
		{"unknown value", `{"name":"tor3","peer_ip":"10.0.0.3","as_number":"65001"}`, unknownPeerIP},
		{"refused by Calico", `{"name":"tor4","peer_ip":"10.0.0.4","as_number":"65001","node_selector":"has((","reachable_by":"fd00::1"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			config, err := (&tfprotov6.RawState{JSON: []byte(tc.config)}).UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.modify != nil {
				config = tc.modify(config)
			}
			configValue, err := tfprotov6.NewDynamicValue(typ, config)
			if err != nil {
				t.Fatal(err)
			}
			prior, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
			if err != nil {
				t.Fatal(err)
			}
			// Terraform proposes the configuration for a new resource.
			req := func() *tfprotov6.PlanResourceChangeRequest {
				return &tfprotov6.PlanResourceChangeRequest{TypeName: "calico_bgp_peer", Config: &configValue,
					PriorState: &prior, ProposedNewState: &configValue}
			}
			framework, err := server.ProviderServer.PlanResourceChange(ctx, req())
			if err != nil {
				t.Fatal(err)
			}
			answered = false
			own, err := server.PlanResourceChange(ctx, req())
			if err != nil {
				t.Fatal(err)
			}
			if !answered {
				t.Fatal("the framework answered the plan")
			}
			samePlan(t, own, framework)
		})
	}
}

func samePlan(t *testing.T, own, framework *tfprotov6.PlanResourceChangeResponse) {
	t.Helper()
	if !bytes.Equal(own.PlannedState.MsgPack, framework.PlannedState.MsgPack) {
		t.Errorf("planned state differs:\n own       %x\n framework %x", own.PlannedState.MsgPack, framework.PlannedState.MsgPack)
	}
	if !bytes.Equal(own.PlannedPrivate, framework.PlannedPrivate) {
		t.Errorf("planned private state differs: %q, framework %q", own.PlannedPrivate, framework.PlannedPrivate)
	}
	if (own.PlannedIdentity == nil) != (framework.PlannedIdentity == nil) ||
		own.PlannedIdentity != nil && !bytes.Equal(own.PlannedIdentity.IdentityData.MsgPack, framework.PlannedIdentity.IdentityData.MsgPack) {
		t.Errorf("planned identity differs: %v, framework %v", own.PlannedIdentity, framework.PlannedIdentity)
	}
	if len(own.RequiresReplace) != 0 || len(framework.RequiresReplace) != 0 || own.Deferred != nil || framework.Deferred != nil {
		t.Errorf("a new resource's plan replaces or defers: %v %v", own, framework)
	}
	if len(own.Diagnostics) != len(framework.Diagnostics) {
		t.Fatalf("diagnostics differ:\n own       %v\n framework %v", own.Diagnostics, framework.Diagnostics)
	}
	for i, d := range own.Diagnostics {
		f := framework.Diagnostics[i]
		if d.Severity != f.Severity || d.Summary != f.Summary || d.Detail != f.Detail ||
			(d.Attribute == nil) != (f.Attribute == nil) || d.Attribute != nil && !d.Attribute.Equal(f.Attribute) {
			t.Errorf("diagnostic %d differs:\n own       %v %q %v\n framework %v %q %v", i, d.Severity, d.Summary, d.Attribute, f.Severity, f.Summary, f.Attribute)
		}
	}
	t.Logf("%d diagnostics", len(own.Diagnostics))
}
