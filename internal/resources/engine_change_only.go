package resources

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
)

// changeOnly wraps an update's mutate so that it changes only the spec fields whose planned
// value differs from the prior state's: a field the plan leaves as it was keeps the live value,
// even when another writer changed it after Terraform read it (a field under ignore_changes,
// calico-node's or an operator's). Without it, the update would write back the value Terraform
// read, and the other writer's newer one would be lost.
func (r *objectResource[M, T]) changeOnly(ctx context.Context, prior *M, mutate func(T) error) func(T) error {
	return func(live T) error {
		before := r.kind(r.client).New()
		before.SetName(live.GetName())
		if d := r.expand(ctx, prior, before); d.HasError() {
			return mutate(live) // a prior state this version cannot expand: write the plan whole
		}
		liveSpec, err := specFields(live)
		if err != nil {
			return err
		}
		if err := mutate(live); err != nil {
			return err
		}
		beforeSpec, err1 := specFields(before)
		plannedSpec, err2 := specFields(live)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		for k := range union(beforeSpec, plannedSpec, liveSpec) {
			if reflect.DeepEqual(beforeSpec[k], plannedSpec[k]) {
				if v, ok := liveSpec[k]; ok {
					plannedSpec[k] = v
				} else {
					delete(plannedSpec, k)
				}
			}
		}
		return setSpecFields(live, plannedSpec, r.kind(r.client).New())
	}
}

// specFields is an object's spec as JSON fields.
func specFields(obj any) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var o struct {
		Spec map[string]any `json:"spec"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, err
	}
	if o.Spec == nil {
		o.Spec = map[string]any{}
	}
	return o.Spec, nil
}

// setSpecFields replaces obj's spec with spec, through blank, a new object of obj's type.
func setSpecFields[T any](obj T, spec map[string]any, blank T) error {
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	fields["spec"] = spec
	if b, err = json.Marshal(fields); err != nil {
		return err
	}
	if err := json.Unmarshal(b, blank); err != nil {
		return err
	}
	reflect.ValueOf(obj).Elem().Set(reflect.ValueOf(blank).Elem())
	return nil
}

// union is the keys of the maps.
func union(maps ...map[string]any) map[string]bool {
	keys := map[string]bool{}
	for _, m := range maps {
		for k := range m {
			keys[k] = true
		}
	}
	return keys
}

// keepPlanned sets every attribute of read, the object read back after an update, to its
// planned value where the plan knows it, as Terraform requires of the new state; it reports
// whether any read value differed. One can: a field the plan leaves as it was keeps the live
// value (see changeOnly), which another writer may have changed since the plan; the next
// refresh shows it.
func keepPlanned[M any](planned, read *M) (differed bool) {
	p, r := reflect.ValueOf(planned).Elem(), reflect.ValueOf(read).Elem()
	for i := range p.NumField() {
		pv, ok := p.Field(i).Interface().(attr.Value)
		if !ok || pv.IsUnknown() {
			continue
		}
		if rv, ok := r.Field(i).Interface().(attr.Value); ok && !rv.Equal(pv) {
			differed = true
			r.Field(i).Set(p.Field(i))
		}
	}
	return differed
}
