package protocol

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// secretResource is the probe resource, as probe_secret, with a write-only attribute.
type secretResource struct{ probeResource }

func (secretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (secretResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"seen":   schema.StringAttribute{Optional: true},
		"secret": schema.StringAttribute{Optional: true, WriteOnly: true},
	}}
}

// A configuration's hash leaves its write-only values out, and says whether it set one: each
// configuration is decoded once per process, and later answers for it are the same.
func TestConfigHashLeavesOutWriteOnlyValues(t *testing.T) {
	server := newServerOf(secretResource{})
	secretType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"seen": tftypes.String, "secret": tftypes.String}}
	config := func(seen, secret any) *tfprotov6.DynamicValue {
		v, err := tfprotov6.NewDynamicValue(secretType, tftypes.NewValue(secretType, map[string]tftypes.Value{
			"seen": tftypes.NewValue(tftypes.String, seen), "secret": tftypes.NewValue(tftypes.String, secret),
		}))
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	type answer struct {
		hash          string
		setsWriteOnly bool
	}
	hashed := func(c *tfprotov6.DynamicValue) answer {
		hash, setsWriteOnly, ok := server.unchanged.hashConfig("probe_secret", c)
		if !ok {
			t.Fatal("no hash")
		}
		return answer{hash, setsWriteOnly}
	}

	withSecret, without, other := config("a", "s3cret"), config("a", nil), config("b", nil)
	for round := range 2 { // the second round answers from what the first decoded
		a, b, c := hashed(withSecret), hashed(without), hashed(other)
		if !a.setsWriteOnly || b.setsWriteOnly || c.setsWriteOnly {
			t.Errorf("round %d: sets a write-only value: %v, %v, %v; want true, false, false", round, a.setsWriteOnly, b.setsWriteOnly, c.setsWriteOnly)
		}
		if a.hash != b.hash || b.hash == c.hash {
			t.Errorf("round %d: hashes %q, %q, %q: want the first two equal (the write-only value left out), the third different", round, a.hash, b.hash, c.hash)
		}
	}
	decoded := 0
	server.unchanged.writeOnlyHashes.Range(func(any, any) bool { decoded++; return true })
	if decoded != 3 {
		t.Errorf("%d configurations remembered; want 3", decoded)
	}
}
