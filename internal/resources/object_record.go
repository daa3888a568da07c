package resources

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// ObjectKey is the private-state key under which a Calico-object resource records the object its
// state was last read or written from, so that a later request can tell, from a LIST, that the
// object has not changed since.
const ObjectKey = "calico_object"

// ObjectRecord is what is recorded under ObjectKey.
type ObjectRecord struct {
	Name            string `json:"name"`
	ResourceVersion string `json:"resourceVersion"`
}

// privateData is the framework's private state of a response.
type privateData interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func recordObject(ctx context.Context, private privateData, obj calico.Object, diags *diag.Diagnostics) {
	if private == nil {
		return
	}
	b, err := json.Marshal(ObjectRecord{Name: obj.GetName(), ResourceVersion: obj.GetResourceVersion()})
	if err != nil {
		return
	}
	diags.Append(private.SetKey(ctx, ObjectKey, b)...)
}

// LiveResourceVersion returns the resourceVersion the named object of a Calico-object resource
// type (such as "calico_bgp_peer") has in the cluster now, from this run's bulk LIST; "" when it
// does not exist. ok is false for types that are not Calico objects.
func LiveResourceVersion(ctx context.Context, c *calico.Client, typeName, name string) (rv string, ok bool, err error) {
	lookup, ok := liveVersions()[typeName]
	if !ok {
		return "", false, nil
	}
	rv, err = lookup(ctx, c, name)
	return rv, true, err
}

type liveVersionLookup func(ctx context.Context, c *calico.Client, name string) (string, error)

var liveVersions = sync.OnceValue(func() map[string]liveVersionLookup {
	out := map[string]liveVersionLookup{}
	for _, newResource := range All() {
		if r, ok := newResource().(interface {
			providerTypeName() string
			liveResourceVersion(context.Context, *calico.Client, string) (string, error)
		}); ok {
			out[r.providerTypeName()] = r.liveResourceVersion
		}
	}
	return out
})

func (r *objectResource[M, T]) providerTypeName() string { return "calico_" + r.typeName }

func (r *objectResource[M, T]) liveResourceVersion(ctx context.Context, c *calico.Client, name string) (string, error) {
	rv, err := r.kind(c).ResourceVersion(ctx, name)
	if errors.Is(err, calico.ErrNotFound) {
		return "", nil
	}
	return rv, err
}
