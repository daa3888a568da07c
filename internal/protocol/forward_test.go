package protocol_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The server serves every request the framework's server serves. tf6server finds the requests
// outside ProviderServer through optional interfaces, and answers "not implemented" for a
// server that lacks one, so a framework upgrade that serves more must fail here until
// forward.go forwards it, and one that serves less must fail before the server forwards to
// nothing.
func TestServerForwardsEveryRequest(t *testing.T) {
	server := newTestServer()
	framework := server.ProviderServer

	//nolint:staticcheck // Deprecated only for the day ProviderServer takes their methods in.
	optional := []struct {
		name       string
		implements func(any) bool
	}{
		{"ProviderServerWithListResource", func(v any) bool { _, ok := v.(tfprotov6.ProviderServerWithListResource); return ok }},
		{"ProviderServerWithActions", func(v any) bool { _, ok := v.(tfprotov6.ProviderServerWithActions); return ok }},
		{"ProviderServerWithStateStores", func(v any) bool { _, ok := v.(tfprotov6.ProviderServerWithStateStores); return ok }},
	}
	for _, o := range optional {
		if o.implements(framework) && !o.implements(server) {
			t.Errorf("the framework's server implements tfprotov6.%s, the shortcuts' server does not", o.name)
		}
		if o.implements(server) && !o.implements(framework) {
			t.Errorf("the shortcuts' server implements tfprotov6.%s, the framework's server does not: there is nothing to forward to", o.name)
		}
	}

	// Whatever interface a future tfprotov6 finds them by, the requests are the methods.
	frameworkType, serverType := reflect.TypeOf(framework), reflect.TypeOf(server)
	for i := range frameworkType.NumMethod() {
		want := frameworkType.Method(i)
		got, ok := serverType.MethodByName(want.Name)
		if !ok || !sameSignature(got.Type, want.Type) {
			t.Errorf("the framework's server serves %s %s; the shortcuts' server does not forward it (internal/protocol/forward.go)", want.Name, want.Type)
		}
	}
}

// sameSignature compares two method types, receivers left out.
func sameSignature(a, b reflect.Type) bool {
	if a.NumIn() != b.NumIn() || a.NumOut() != b.NumOut() {
		return false
	}
	for i := 1; i < a.NumIn(); i++ {
		if a.In(i) != b.In(i) {
			return false
		}
	}
	for i := range a.NumOut() {
		if a.Out(i) != b.Out(i) {
			return false
		}
	}
	return true
}

// The requests outside ProviderServer reach the framework, which says it knows no such type.
func TestServerForwardsOptionalRequestsToTheFramework(t *testing.T) {
	server := newTestServer()
	ctx := context.Background()
	requests := []struct {
		name    string
		request func() ([]*tfprotov6.Diagnostic, error)
	}{
		{"ValidateListResourceConfig", func() ([]*tfprotov6.Diagnostic, error) {
			resp, err := server.ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: "calico_no_such_list"})
			if resp == nil {
				return nil, err
			}
			return resp.Diagnostics, err
		}},
		{"ValidateActionConfig", func() ([]*tfprotov6.Diagnostic, error) {
			resp, err := server.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: "calico_no_such_action"})
			if resp == nil {
				return nil, err
			}
			return resp.Diagnostics, err
		}},
		{"GetStates", func() ([]*tfprotov6.Diagnostic, error) {
			resp, err := server.GetStates(ctx, &tfprotov6.GetStatesRequest{TypeName: "calico_no_such_store"})
			if resp == nil {
				return nil, err
			}
			return resp.Diagnostics, err
		}},
	}
	for _, r := range requests {
		diags, err := r.request()
		if err != nil || len(diags) == 0 {
			t.Errorf("%s: error %v, diagnostics %v; want the framework's diagnostic for an unknown type", r.name, err, diags)
		}
	}
}
