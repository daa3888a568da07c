package resources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is the framework's private state of a request or response, as the resources
// read and write it: by key, each value JSON. Node resources keep the keys they own there
// (engine_node.go), Calico-object resources the object they last read or wrote
// (engine_object_record.go).
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}
