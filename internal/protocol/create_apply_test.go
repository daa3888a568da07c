package protocol_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
	"github.com/calico-tf/terraform-provider-calico/internal/provider"
)

// The server's own create of a calico_bgp_peer answers as the framework's does, against the
// local Calico API: the same new state, identity and diagnostics, and a private state recording
// the object it created. Each configuration is created through the framework, destroyed, and
// created again by the server itself under the same name: a plain peer; a duration the API
// spells otherwise (kept as planned); the session guard's nested values; a write-only password
// (a Secret on Kubernetes; on etcd the plan refuses it); an existing object with another spec (refused);
// and an identical existing one (taken over, with a warning).
func TestCreateApplyMatchesFramework(t *testing.T) {
	acctest.Cluster(t)
	protocol.SetSwitchForTest(t, "")
	ctx := context.Background()
	server := provider.NewServer("test")().(*protocol.Server)
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	nulls := map[string]tftypes.Value{}
	for name, typ := range providerType.AttributeTypes {
		nulls[name] = tftypes.NewValue(typ, nil)
	}
	providerConfig, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, nulls))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &providerConfig}); err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	typ := schemas.ResourceSchemas["calico_bgp_peer"].ValueType()
	value := func(json string) *tfprotov6.DynamicValue {
		t.Helper()
		v, err := (&tfprotov6.RawState{JSON: []byte(json)}).UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{})
		if err != nil {
			t.Fatal(err)
		}
		dv, err := tfprotov6.NewDynamicValue(typ, v)
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	null := value("null")
	apply := func(t *testing.T, answer func(context.Context, *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse, config *tfprotov6.DynamicValue) *tfprotov6.ApplyResourceChangeResponse {
		t.Helper()
		plan, err := server.ProviderServer.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: "calico_bgp_peer", PriorState: null, ProposedNewState: config, Config: config})
		if err != nil {
			t.Fatal(err)
		}
		if hasError(plan.Diagnostics) {
			// Refused at plan time, never created: a password kept in a Secret, on etcd.
			t.Skipf("the plan is refused: %s", plan.Diagnostics[0].Summary)
		}
		resp := answer(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: "calico_bgp_peer", PriorState: null,
			PlannedState: plan.PlannedState, Config: config, PlannedPrivate: plan.PlannedPrivate, PlannedIdentity: plan.PlannedIdentity})
		if resp == nil {
			t.Fatal("the server left the create to the framework")
		}
		return resp
	}
	framework := func(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
		resp, err := server.ProviderServer.ApplyResourceChange(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	own := func(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
		return protocol.CreateApply(ctx, server, req)
	}
	destroy := func(t *testing.T, created *tfprotov6.ApplyResourceChangeResponse) {
		t.Helper()
		if hasError(created.Diagnostics) {
			return
		}
		resp, err := server.ProviderServer.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: "calico_bgp_peer",
			PriorState: created.NewState, PlannedState: null, Config: null, PlannedPrivate: created.Private, PlannedIdentity: created.NewIdentity})
		if err != nil || hasError(resp.Diagnostics) {
			t.Fatalf("destroy: %v %v", err, resp.Diagnostics)
		}
	}

	peer := func(name, rest string) *tfprotov6.DynamicValue {
		return value(fmt.Sprintf(`{"name":%q,"peer_ip":"10.9.0.1","as_number":"65009"%s}`, name, rest))
	}
	for _, tc := range []struct {
		name, rest string
		existing   string // a peer stored first, as another writer left it
	}{
		{name: "plain"},
		{name: "spelled otherwise", rest: `,"max_restart_time":"120s"`},
		{name: "session guard", rest: `,"session_guard":{"allow_cut_off":true,"timeout":"300s"}`},
		{name: "write-only password", rest: `,"password_wo":"s3cret","password_wo_version":1`},
		{name: "exists otherwise", existing: `,"as_number":"65010"`},
		{name: "exists identical", existing: `,"as_number":"65009"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "create-apply-" + strings.ReplaceAll(tc.name, " ", "-")
			config := peer(name, tc.rest)
			var answers []*tfprotov6.ApplyResourceChangeResponse
			for _, answer := range []func(context.Context, *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse{framework, own} {
				var existing *tfprotov6.ApplyResourceChangeResponse
				if tc.existing != "" {
					existing = apply(t, framework, value(fmt.Sprintf(`{"name":%q,"peer_ip":"10.9.0.1"%s}`, name, tc.existing)))
					// Out of Terraform's hands: its state is forgotten, the object stays.
				}
				created := apply(t, answer, config)
				answers = append(answers, created)
				switch {
				case existing != nil && hasError(created.Diagnostics):
					destroy(t, existing)
				default:
					destroy(t, created)
				}
			}
			sameCreate(t, name, answers[0], answers[1])
		})
	}

	// Terraform's create reaches the server's own answer.
	var answered bool
	server.Observe = func(rpc, _ string) { answered = answered || rpc == "ApplyResourceChange" }
	created := apply(t, func(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) *tfprotov6.ApplyResourceChangeResponse {
		resp, err := server.ApplyResourceChange(ctx, req)
		if err != nil || hasError(resp.Diagnostics) {
			t.Fatalf("create: %v %v", err, resp.Diagnostics)
		}
		return resp
	}, peer("create-apply-server", ""))
	if !answered {
		t.Error("the framework answered the create")
	}
	resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: "calico_bgp_peer",
		PriorState: created.NewState, PlannedState: null, Config: null, PlannedPrivate: created.Private, PlannedIdentity: created.NewIdentity})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("destroy: %v %v", err, resp.Diagnostics)
	}
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	return slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool { return d.Severity == tfprotov6.DiagnosticSeverityError })
}

func sameCreate(t *testing.T, name string, framework, own *tfprotov6.ApplyResourceChangeResponse) {
	t.Helper()
	if got, want := diagnosticSet(own.Diagnostics), diagnosticSet(framework.Diagnostics); !slices.Equal(got, want) {
		t.Fatalf("diagnostics differ:\n own       %q\n framework %q", got, want)
	}
	if !bytes.Equal(own.NewState.MsgPack, framework.NewState.MsgPack) {
		t.Errorf("new state differs:\n own       %x\n framework %x", own.NewState.MsgPack, framework.NewState.MsgPack)
	}
	if (own.NewIdentity == nil) != (framework.NewIdentity == nil) ||
		own.NewIdentity != nil && !bytes.Equal(own.NewIdentity.IdentityData.MsgPack, framework.NewIdentity.IdentityData.MsgPack) {
		t.Errorf("new identity differs: %v, framework %v", own.NewIdentity, framework.NewIdentity)
	}
	// Each private state records the object its create stored, at the resourceVersion of that
	// create.
	keys := func(private []byte) (names []string, recorded string) {
		var m map[string][]byte
		if len(private) > 0 {
			if err := json.Unmarshal(private, &m); err != nil {
				t.Fatalf("private state %q: %v", private, err)
			}
		}
		for k, v := range m {
			names = append(names, k)
			if name, rv, ok := protocol.DecodeObjectRecord(v); ok && rv != "" {
				recorded = name
			}
		}
		slices.Sort(names)
		return names, recorded
	}
	ownKeys, ownRecorded := keys(own.Private)
	frameworkKeys, frameworkRecorded := keys(framework.Private)
	if !slices.Equal(ownKeys, frameworkKeys) || ownRecorded != frameworkRecorded {
		t.Errorf("private state differs: keys %v recording %q, framework %v recording %q", ownKeys, ownRecorded, frameworkKeys, frameworkRecorded)
	}
	if !hasError(framework.Diagnostics) && frameworkRecorded != name {
		t.Errorf("the framework's create recorded %q, want %q", frameworkRecorded, name)
	}
	t.Logf("%d diagnostics, private keys %v", len(own.Diagnostics), ownKeys)
}
