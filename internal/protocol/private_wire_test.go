package protocol

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// The object record, alone or with the unchanged record in each of its forms, goes to Terraform
// compact and comes back as the very bytes the framework's form had; anything else goes through
// as it is; a compact form that does not decode comes back as no private state.
func TestPrivateWireForm(t *testing.T) {
	object := EncodeObjectRecord("bench-peer-0", "2578")
	framework := func(records map[string]any) []byte {
		keys := privateKeys{ObjectKey: object}
		b, err := keys.encoded()
		if err != nil {
			t.Fatal(err)
		}
		for key, record := range records {
			b = decodePrivateKeys(b).with(key, record)
		}
		return b
	}
	build := buildTag("test")
	for name, private := range map[string][]byte{
		"the object record":                      framework(nil),
		"applied and valid":                      framework(map[string]any{unchangedKey: unchangedRecord{Build: build, Config: "s0wZ66jaqQJJyWXEl9ygDg", Applied: true, Valid: true}}),
		"applied":                                framework(map[string]any{unchangedKey: unchangedRecord{Build: build, Config: "s0wZ66jaqQJJyWXEl9ygDg", Applied: true}}),
		"no configuration":                       framework(map[string]any{unchangedKey: unchangedRecord{Build: build}}),
		"a name and version out of the ordinary": decodePrivateKeys(framework(nil)).with(ObjectKey, objectRecord{Name: "peer-\u00e9\"x", ResourceVersion: "9999999999"}),
	} {
		t.Run(name, func(t *testing.T) {
			compact := toTerraform(private)
			if len(compact) == 0 || compact[0] != compactPrivate || len(compact) >= len(private) {
				t.Fatalf("toTerraform(%s) = %q, want a shorter compact form", private, compact)
			}
			if back := fromTerraform(compact); !bytes.Equal(back, private) {
				t.Errorf("fromTerraform(toTerraform(%s)) = %s", private, back)
			}
		})
	}
	for name, private := range map[string][]byte{
		"none":                  nil,
		"another key beside":    decodePrivateKeys(framework(nil)).with("other", map[string]int{"a": 1}),
		"no object record":      privateKeys{}.with(unchangedKey, unchangedRecord{Build: build}),
		"a long-form record":    privateKeys{}.with(ObjectKey, map[string]string{"name": "p", "resourceVersion": "1"}),
		"a hash not base64url":  framework(map[string]any{unchangedKey: unchangedRecord{Build: "not+url/safe"}}),
		"not the encoding back": []byte(`{"calico_object": "eyJuIjoicCIsInJ2IjoiMSJ9"}`),
	} {
		t.Run(name, func(t *testing.T) {
			if got := toTerraform(private); !bytes.Equal(got, private) {
				t.Errorf("toTerraform(%s) = %q, want it as it is", private, got)
			}
			if got := fromTerraform(private); !bytes.Equal(got, private) {
				t.Errorf("fromTerraform(%s) = %q, want it as it is", private, got)
			}
		})
	}
	compact := toTerraform(framework(nil))
	for _, cut := range []int{1, 2, len(compact) - 1} {
		if got := fromTerraform(compact[:cut]); got != nil {
			t.Errorf("fromTerraform of the compact form cut to %d bytes = %q, want nil", cut, got)
		}
	}
	if got := fromTerraform(append(slices.Clone(compact), 0)); got != nil {
		t.Errorf("fromTerraform of the compact form with a byte more = %q, want nil", got)
	}
}

// Through the server, an object resource's private state reaches Terraform compact, and the
// shortcuts still answer from it: a refresh and a no-change plan of the created object.
func TestServerHandsTerraformCompactPrivateState(t *testing.T) {
	client := calico.NewClient(calico.Config{})
	server := New(TestProvider{TypeName: "probe", ResourceTypes: []func() resource.Resource{
		func() resource.Resource { return probeObject{} },
	}}, func() *calico.Client { return client })
	var answered []string
	server.Observe = func(rpc, _ string) { answered = append(answered, rpc) }
	ctx := context.Background()
	config := probeValue(t, nil)
	created, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "probe_object", PriorState: probeNull(t), PlannedState: probeValue(t, tftypes.UnknownValue), Config: config,
	})
	if err != nil || len(created.Diagnostics) > 0 {
		t.Fatalf("create: %v %v", err, created.Diagnostics)
	}
	if len(created.Private) == 0 || created.Private[0] != compactPrivate {
		t.Fatalf("the create handed Terraform private state %q, want the compact form", created.Private)
	}
	var record unchangedRecord
	if keys := decodePrivateKeys(fromTerraform(created.Private)); !keys.get(unchangedKey, &record) || !record.Applied {
		t.Fatalf("the compact form holds %s, want an applied record", keys.key(unchangedKey))
	}
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "probe_object", CurrentState: created.NewState, Private: created.Private})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "probe_object", PriorState: read.NewState, ProposedNewState: read.NewState, Config: config, PriorPrivate: read.Private,
	})
	if err != nil || len(plan.Diagnostics) > 0 {
		t.Fatalf("plan: %v %v", err, plan.Diagnostics)
	}
	if want := []string{"ReadResource", "PlanResourceChange"}; !slices.Equal(answered, want) {
		t.Errorf("the server answered %q itself, want %q", answered, want)
	}
	if !bytes.Equal(read.Private, created.Private) || !bytes.Equal(plan.PlannedPrivate, created.Private) {
		t.Errorf("private state: created %q, read %q, planned %q; want all the same", created.Private, read.Private, plan.PlannedPrivate)
	}
}

// probeObject is probe_thing recording its object under ObjectKey, as the provider's object
// resources do; the object is live at resourceVersion "1".
type probeObject struct{ probeResource }

func (probeObject) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object"
}

func (probeObject) Create(ctx context.Context, _ resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, ObjectKey, EncodeObjectRecord("n", "1"))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, probeModel{Seen: types.StringValue("")})...)
}

func (probeObject) RecordedObject(getKey func(key string) []byte) (name, resourceVersion string, ok bool) {
	return DecodeObjectRecord(getKey(ObjectKey))
}
