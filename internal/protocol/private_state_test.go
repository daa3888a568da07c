package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The shortcuts read and write the framework's encoding of private state (privateKeys). Both
// directions go through the real framework here: what a resource sets with SetKey, the
// shortcuts decode, and what the shortcuts add, a resource reads with GetKey.
func TestPrivateStateFormat(t *testing.T) {
	const changed = "the framework's private-state format changed; update internal/protocol/private_state.go"
	ctx := context.Background()
	framework := providerserver.NewProtocol6(probeProvider)()
	// The framework encodes what the resource's Create sets.
	created, err := framework.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "probe_thing", PriorState: probeNull(t), PlannedState: probeValue(t, tftypes.UnknownValue), Config: probeValue(t, nil),
	})
	if err != nil || len(created.Diagnostics) > 0 {
		t.Fatalf("create: %v %v", err, created.Diagnostics)
	}
	private := decodePrivateKeys(created.Private)
	if !jsonEqual(private.key(probeKey), probeRecord) {
		t.Fatalf("%s: the framework encoded SetKey(%q, %s) as %s, which decodes to %q", changed, probeKey, probeRecord, created.Private, private.key(probeKey))
	}

	// The resource's Read reads with GetKey what the shortcuts add, and keeps the rest.
	const addedKey = "shortcut_key"
	read, err := framework.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName: "probe_thing", CurrentState: probeValue(t, nil), Private: private.with(addedKey, map[string]int{"b": 2}),
	})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	seen, err := read.NewState.Unmarshal(probeType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	var got string
	if err := seen.As(&attrs); err != nil || attrs["seen"].As(&got) != nil {
		t.Fatalf("read state %v: %v", seen, err)
	}
	if !jsonEqual([]byte(got), []byte(`{"b":2}`)) {
		t.Fatalf("%s: GetKey(%q) read %q from what the shortcuts encoded, want {\"b\":2}", changed, addedKey, got)
	}
	if back := decodePrivateKeys(read.Private); !jsonEqual(back.key(probeKey), probeRecord) || !jsonEqual(back.key(addedKey), []byte(`{"b":2}`)) {
		t.Fatalf("%s: the framework's read answered private state %s, want both keys", changed, read.Private)
	}
}

func jsonEqual(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	ca, _ := json.Marshal(va)
	cb, _ := json.Marshal(vb)
	return bytes.Equal(ca, cb)
}
