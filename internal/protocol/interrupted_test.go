package protocol

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// interruptedChild makes the test run in a process of its own: an interruption lasts for the
// rest of the process, as it does in the provider's.
const interruptedChild = "PROTOCOL_TEST_INTERRUPTED_CHILD"

// Once Terraform asks the provider to stop, every read, plan and apply is answered at once as
// interrupted, without the resource's own code: a read keeps the prior state, an apply of a
// create leaves nothing.
func TestInterruptedRequestsAreAnsweredAtOnce(t *testing.T) {
	if os.Getenv(interruptedChild) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptedRequestsAreAnsweredAtOnce$", "-test.v")
		cmd.Env = append(os.Environ(), interruptedChild+"=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}

	server := newProbeServer()
	ctx := context.Background()
	config := probeValue(t, nil)
	created, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "probe_thing", PriorState: probeNull(t), PlannedState: probeValue(t, tftypes.UnknownValue), Config: config,
	})
	if err != nil || len(created.Diagnostics) > 0 {
		t.Fatalf("create before the interruption: %v %v", err, created.Diagnostics)
	}

	if _, err := server.StopProvider(ctx, &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}

	isInterrupted := func(rpc string, diags []*tfprotov6.Diagnostic, err error) {
		t.Helper()
		if err != nil || len(diags) != 1 || diags[0].Summary != "Operation Interrupted" {
			t.Errorf("%s after StopProvider: %v %v, want the one error Operation Interrupted", rpc, err, diags)
		}
	}
	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "probe_thing", CurrentState: created.NewState, Private: created.Private})
	isInterrupted("ReadResource", read.Diagnostics, err)
	if read.NewState != created.NewState {
		t.Errorf("ReadResource after StopProvider changed the state: %v, want the prior %v", read.NewState, created.NewState)
	}
	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "probe_thing", PriorState: probeNull(t), ProposedNewState: probeValue(t, tftypes.UnknownValue), Config: config,
	})
	isInterrupted("PlanResourceChange", plan.Diagnostics, err)
	prior := probeNull(t)
	applied, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "probe_thing", PriorState: prior, PlannedState: probeValue(t, tftypes.UnknownValue), Config: config,
	})
	isInterrupted("ApplyResourceChange", applied.Diagnostics, err)
	if applied.NewState != prior {
		t.Errorf("a create after StopProvider stored %v, want nothing (the prior state)", applied.NewState)
	}
	data, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "probe_thing", Config: config})
	isInterrupted("ReadDataSource", data.Diagnostics, err)
}
