package protocol

import (
	"context"
	"testing"
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
