package resources

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// A Calico-object resource records in private state the object its state was last read or
// written from, so that a later request can tell, from this run's LIST, that the object has
// not changed since. The provider's server does that below the framework: it finds
// RecordedObject and LiveResourceVersion by interface.

// objectKey is the private-state key of the record.
const objectKey = "calico_object"

// objectRecord is what is recorded under objectKey. Its names are short for the reason the
// protocol's unchangedRecord gives; a record in the older, long form is not read, so the first
// request after an upgrade reads the object in full.
type objectRecord struct {
	Name            string `json:"n"`
	ResourceVersion string `json:"rv"`
}

func recordObject(ctx context.Context, private privateState, obj calico.Object, diags *diag.Diagnostics) {
	if private == nil {
		return
	}
	b, err := json.Marshal(objectRecord{Name: obj.GetName(), ResourceVersion: obj.GetResourceVersion()})
	if err != nil {
		return
	}
	diags.Append(private.SetKey(ctx, objectKey, b)...)
}

// RecordedObject returns the name and resourceVersion of the object recorded in a private
// state whose keys getKey reads, as the framework's GetKey does; ok is false when none is.
func (r *objectResource[M, T]) RecordedObject(getKey func(key string) []byte) (name, resourceVersion string, ok bool) {
	var record objectRecord
	b := getKey(objectKey)
	if len(b) == 0 || json.Unmarshal(b, &record) != nil || record.Name == "" || record.ResourceVersion == "" {
		return "", "", false
	}
	return record.Name, record.ResourceVersion, true
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
