package resources

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/protocol"
)

// A Calico-object resource records in private state the object its state was last read or
// written from, so that a later request can tell, from this run's LIST, that the object has
// not changed since (protocol.ObjectKey). The provider's server does that below the framework:
// it finds RecordedObject and LiveResourceVersion by interface.

func recordObject(ctx context.Context, private privateState, obj calico.Object, diags *diag.Diagnostics) {
	if private == nil {
		return
	}
	diags.Append(private.SetKey(ctx, protocol.ObjectKey, protocol.EncodeObjectRecord(obj.GetName(), obj.GetResourceVersion()))...)
}

// RecordedObject returns the name and resourceVersion of the object recorded in a private
// state whose keys getKey reads, as the framework's GetKey does; ok is false when none is.
func (r *objectResource[M, T]) RecordedObject(getKey func(key string) []byte) (name, resourceVersion string, ok bool) {
	return protocol.DecodeObjectRecord(getKey(protocol.ObjectKey))
}

// LiveResourceVersion returns the resourceVersion the named object has in the cluster now,
// from this run's bulk LIST; "" when it does not exist.
func (r *objectResource[M, T]) LiveResourceVersion(ctx context.Context, c *calico.Client, name string) (string, error) {
	rv, err := r.kind(c).ResourceVersion(ctx, name)
	if errors.Is(err, calico.ErrNotFound) {
		return "", nil
	}
	return rv, err
}
