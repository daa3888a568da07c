package protocol

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// storingResource is the probe resource, as probe_storing, whose create stores its plan as it
// is, write-only value included, as a careless resource might.
type storingResource struct{ secretResource }

func (storingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_storing"
}

func (storingResource) Configure(context.Context, resource.ConfigureRequest, *resource.ConfigureResponse) {
}

func (storingResource) ModifyPlan(context.Context, resource.ModifyPlanRequest, *resource.ModifyPlanResponse) {
}

func (storingResource) CreateRecording(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse, private PrivateState) {
	resp.State.Raw = req.Config.Raw
	resp.Diagnostics.Append(private.SetKey(ctx, probeKey, probeRecord)...)
}

// The server's own create nulls write-only values in the new state, as the framework does,
// whatever the resource stored.
func TestCreateApplyNullsWriteOnlyValues(t *testing.T) {
	server := newServerOf(storingResource{})
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"seen": tftypes.String, "secret": tftypes.String}}
	value := func(seen, secret any) *tfprotov6.DynamicValue {
		v, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{
			"seen": tftypes.NewValue(tftypes.String, seen), "secret": tftypes.NewValue(tftypes.String, secret)}))
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	null, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		t.Fatal(err)
	}
	resp := server.creates.apply(context.Background(), &tfprotov6.ApplyResourceChangeRequest{TypeName: "probe_storing",
		PriorState: &null, PlannedState: value("a", nil), Config: value("a", "s3cret")})
	if resp == nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("the server's create: %v", resp)
	}
	state, err := resp.NewState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	want := tftypes.NewValue(typ, map[string]tftypes.Value{"seen": tftypes.NewValue(tftypes.String, "a"), "secret": tftypes.NewValue(tftypes.String, nil)})
	if !state.Equal(want) {
		t.Errorf("new state %v, want %v", state, want)
	}
	if !decodePrivateKeys(resp.Private).get(probeKey, new(map[string]string)) {
		t.Errorf("private state %q does not hold what the create recorded", resp.Private)
	}
}
