package protocol

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Switched on, the server answers a refresh, plan, validation and upgrade of an unchanged
// object and a read of a cluster-state data source itself; with TF_CALICO_SHORTCUTS=off it
// answers none of them and records nothing in private state for the shortcuts.
func TestSwitchTurnsEveryShortcutOff(t *testing.T) {
	all := []string{"ReadResource", "PlanResourceChange", "ValidateResourceConfig", "UpgradeResourceState", "ReadDataSource"}
	for _, c := range []struct {
		name, value string
		want        []string
	}{
		{"unset", "", all},
		{"on", "on", all},
		{"off", "off", nil},
		{"OFF", "OFF", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			SetSwitchForTest(t, c.value)
			got, recorded := probeRun(t)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s=%q: the server answered %q itself, want %q", Switch, c.value, got, c.want)
			}
			if wantRecord := c.want != nil; recorded != wantRecord {
				t.Errorf("%s=%q: the apply recorded the shortcuts' key in private state: %v, want %v", Switch, c.value, recorded, wantRecord)
			}
		})
	}
}

// probeRun creates a probe_thing through a new server and then refreshes, plans, validates and
// upgrades it and reads the data source, as a no-change plan would. It returns the requests the
// server answered itself, and whether the create recorded unchangedKey.
func probeRun(t *testing.T) (answered []string, recorded bool) {
	t.Helper()
	server := newProbeServer()
	var mu sync.Mutex
	server.Observe = func(rpc, _ string) {
		mu.Lock()
		defer mu.Unlock()
		answered = append(answered, rpc)
	}
	ctx := context.Background()
	config := probeValue(t, nil)
	check := func(rpc string, diags []*tfprotov6.Diagnostic, err error) {
		t.Helper()
		if err != nil || len(diags) > 0 {
			t.Fatalf("%s: %v %v", rpc, err, diags)
		}
	}

	created, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "probe_thing", PriorState: probeNull(t), PlannedState: probeValue(t, tftypes.UnknownValue), Config: config,
	})
	check("ApplyResourceChange", created.Diagnostics, err)
	recorded = len(decodePrivateKeys(created.Private).key(unchangedKey)) > 0

	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "probe_thing", CurrentState: created.NewState, Private: created.Private})
	check("ReadResource", read.Diagnostics, err)
	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "probe_thing", PriorState: read.NewState, ProposedNewState: read.NewState, Config: config, PriorPrivate: read.Private,
	})
	check("PlanResourceChange", plan.Diagnostics, err)
	valid, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "probe_thing", Config: config})
	check("ValidateResourceConfig", valid.Diagnostics, err)
	upgraded, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "probe_thing", RawState: &tfprotov6.RawState{JSON: []byte(`{"seen":""}`)},
	})
	check("UpgradeResourceState", upgraded.Diagnostics, err)
	data, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "probe_thing", Config: config})
	check("ReadDataSource", data.Diagnostics, err)
	return answered, recorded
}

// The switch is read once per process: unsetting the variable afterwards turns nothing back
// on, neither in a server built before or after, nor in the model conversion.
func TestSwitchIsReadOnce(t *testing.T) {
	SetSwitchForTest(t, "off")
	before := newProbeServer()
	os.Unsetenv(Switch) // t.Setenv restores it
	if after := newProbeServer(); !before.off || !after.off || !SwitchedOff() {
		t.Errorf("with %s=off read, then unset: server built before off %v, after off %v, SwitchedOff %v; want all true",
			Switch, before.off, after.off, SwitchedOff())
	}
}

// A record the shortcuts made before they were switched off does not survive a read or an
// apply made while they are off; the resource's own keys do.
func TestSwitchedOffDropsEarlierRecords(t *testing.T) {
	newServer := func(value string) *Server {
		SetSwitchForTest(t, value)
		return newProbeServer()
	}
	on, off := newServer(""), newServer("off")
	ctx := context.Background()
	config := probeValue(t, nil)
	created, err := on.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "probe_thing", PriorState: probeNull(t), PlannedState: probeValue(t, tftypes.UnknownValue), Config: config,
	})
	if err != nil || len(created.Diagnostics) > 0 {
		t.Fatalf("create: %v %v", err, created.Diagnostics)
	}
	if len(decodePrivateKeys(created.Private).key(unchangedKey)) == 0 {
		t.Fatal("the create with the shortcuts on recorded nothing for them")
	}
	keeps := func(rpc string, private []byte) {
		t.Helper()
		p := decodePrivateKeys(private)
		if len(p.key(unchangedKey)) > 0 || !jsonEqual(p.key(probeKey), probeRecord) {
			t.Errorf("%s with the shortcuts off returned private state %s; want the resource's key only", rpc, private)
		}
	}
	read, err := off.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "probe_thing", CurrentState: created.NewState, Private: created.Private})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	keeps("ReadResource", read.Private)
	updated, err := off.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "probe_thing", PriorState: created.NewState, PlannedState: created.NewState, Config: config, PlannedPrivate: created.Private,
	})
	if err != nil || len(updated.Diagnostics) > 0 {
		t.Fatalf("update: %v %v", err, updated.Diagnostics)
	}
	keeps("ApplyResourceChange", updated.Private)
}

// A record in the long form earlier builds wrote, even with this build's values, answers no
// plan: the plan is the framework's, and a refresh writes the record in the short form.
func TestLongFormRecordTakesTheFullPath(t *testing.T) {
	server := newProbeServer()
	var answered []string
	server.Observe = func(rpc, _ string) { answered = append(answered, rpc) }
	ctx := context.Background()
	config := probeValue(t, nil)
	created, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "probe_thing", PriorState: probeNull(t), PlannedState: probeValue(t, tftypes.UnknownValue), Config: config,
	})
	if err != nil || len(created.Diagnostics) > 0 {
		t.Fatalf("create: %v %v", err, created.Diagnostics)
	}
	private := decodePrivateKeys(created.Private)
	var short unchangedRecord
	if !private.get(unchangedKey, &short) || short.Build == "" || !short.Applied {
		t.Fatalf("the create recorded %s, want an applied record", private.key(unchangedKey))
	}
	long := private.with(unchangedKey, map[string]any{"build": short.Build, "config": short.Config, "applied": true, "valid": short.Valid})
	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "probe_thing", PriorState: created.NewState, ProposedNewState: created.NewState, Config: config, PriorPrivate: long,
	})
	if err != nil || len(plan.Diagnostics) > 0 {
		t.Fatalf("plan: %v %v", err, plan.Diagnostics)
	}
	if slices.Contains(answered, "PlanResourceChange") {
		t.Error("the server answered the plan from a long-form record")
	}
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "probe_thing", CurrentState: created.NewState, Private: long})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	var rewritten map[string]any
	if !decodePrivateKeys(read.Private).get(unchangedKey, &rewritten) || rewritten["b"] != short.Build || rewritten["build"] != nil {
		t.Errorf("the refresh left the record %s, want it in the short form", decodePrivateKeys(read.Private).key(unchangedKey))
	}
}
