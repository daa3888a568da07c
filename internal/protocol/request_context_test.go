package protocol

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

func TestRequestContextAfterTheRequest(t *testing.T) {
	type key struct{}
	rc := &requestContext{request: context.WithValue(context.Background(), key{}, "v")}
	if rc.Value(key{}) != "v" || rc.Err() != nil {
		t.Fatalf("during the request: Value = %v, Err = %v; want the request's value and no error", rc.Value(key{}), rc.Err())
	}
	rc.end()
	select {
	case <-rc.Done():
	default:
		t.Error("after the request: Done is open, want closed")
	}
	if rc.Value(key{}) != nil || rc.Err() != context.Canceled {
		t.Errorf("after the request: Value = %v, Err = %v; want nil and context.Canceled", rc.Value(key{}), rc.Err())
	}
}

// The framework produces a list's results while Terraform reads the stream, after ListResource
// has returned: the request's context must still be live then (and is let go of once the stream
// is drained: TestServerReleasesRequestContexts).
func TestListResourceContextLastsUntilTheStreamIsDrained(t *testing.T) {
	server := newProbeServer()
	ctx := context.WithValue(context.Background(), probeRequestKey{}, true)
	stream, err := server.ListResource(ctx, &tfprotov6.ListResourceRequest{TypeName: "probe_thing"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for result := range stream.Results {
		for _, d := range result.Diagnostics {
			got = append(got, d.Summary)
		}
	}
	if !slices.Equal(got, []string{probeListLive}) {
		t.Errorf("the list streamed %q, want %q", got, probeListLive)
	}
}
