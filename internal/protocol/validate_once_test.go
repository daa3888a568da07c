package protocol

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// countedResource is the probe resource, as probe_counted, with a validation that counts its runs.
type countedResource struct {
	probeResource
	runs *atomic.Int32
}

func (countedResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_counted"
}

func (countedResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"seen": schema.StringAttribute{Optional: true, Computed: true}}}
}

func (r countedResource) ValidateConfig(context.Context, resource.ValidateConfigRequest, *resource.ValidateConfigResponse) {
	r.runs.Add(1)
}

// An apply records whether its configuration validates clean, for later plans to skip the
// validation. Terraform validated that configuration in the same process before it applied: the
// provider remembers that answer rather than validate again, and validates only a configuration
// it has not seen (one whose values were unknown when Terraform validated it).
func TestApplyRecordsValidityWithoutValidatingAgain(t *testing.T) {
	var runs atomic.Int32
	server := newServerOf(countedResource{runs: &runs})
	ctx := context.Background()
	create := func(config *tfprotov6.DynamicValue) (valid bool) {
		t.Helper()
		resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
			TypeName: "probe_counted", PriorState: probeNull(t), PlannedState: probeValue(t, tftypes.UnknownValue), Config: config,
		})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("create: %v %v", err, resp.Diagnostics)
		}
		var record unchangedRecord
		if !decodePrivateKeys(resp.Private).get(unchangedKey, &record) {
			t.Fatal("the create recorded nothing for the shortcuts")
		}
		return record.Valid
	}

	validated := probeValue(t, nil)
	resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "probe_counted", Config: validated})
	if err != nil || len(resp.Diagnostics) > 0 || runs.Load() != 1 {
		t.Fatalf("validation: %v %v, %d runs; want no diagnostic and 1 run", err, resp.Diagnostics, runs.Load())
	}
	if valid := create(validated); !valid || runs.Load() != 1 {
		t.Errorf("apply of the validated configuration: validity recorded %v after %d validation runs; want true after 1", valid, runs.Load())
	}
	if valid := create(probeValue(t, "known at apply")); !valid || runs.Load() != 2 {
		t.Errorf("apply of a configuration not validated before: validity recorded %v after %d validation runs; want true after 2", valid, runs.Load())
	}
}
