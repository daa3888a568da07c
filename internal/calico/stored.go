package calico

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"k8s.io/client-go/rest"
)

// storedObjects reads and writes one kind's objects as JSON, exactly as the datastore stores
// them, for updates that merge (see merge.go). An object's metadata.resourceVersion is its
// revision; put writes only over that revision.
type storedObjects interface {
	get(ctx context.Context, name string) (map[string]any, error)
	put(ctx context.Context, name string, obj map[string]any) ([]byte, error)
}

// restStored is storedObjects on the Kubernetes API.
type restStored struct {
	rest     rest.Interface
	group    string // "" for the core API
	version  string
	resource string // the plural, such as "bgppeers"
}

func (s restStored) path(name string) string {
	if s.group == "" {
		return fmt.Sprintf("/api/%s/%s/%s", s.version, s.resource, name)
	}
	return fmt.Sprintf("/apis/%s/%s/%s/%s", s.group, s.version, s.resource, name)
}

func (s restStored) get(ctx context.Context, name string) (map[string]any, error) {
	body, err := s.rest.Get().AbsPath(s.path(name)).DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	return decodeJSONObject(body)
}

func (s restStored) put(ctx context.Context, name string, obj map[string]any) ([]byte, error) {
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return s.rest.Put().AbsPath(s.path(name)).SetHeader("Content-Type", "application/json").Body(body).DoRaw(ctx)
}

// mergeUpdate writes obj as a merge onto the stored object: view turns an object into the
// stored JSON the provider's types would write for it (for the v1 path, in Calico's storage
// format), and decode reads the stored JSON into the provider's types. The write is
// conditional on obj's resourceVersion, which must be the stored one.
func mergeUpdate[T Object](ctx context.Context, s storedObjects, obj T, stored map[string]any,
	view func(T) (map[string]any, error), decode func([]byte) (T, error),
) (T, error) {
	var zero T
	name := obj.GetName()
	if rv := resourceVersionOf(stored); rv != obj.GetResourceVersion() {
		return zero, &Error{Class: ErrConflict, Err: errors.New("the object changed after it was read")}
	}
	storedJSON, err := json.Marshal(stored)
	if err != nil {
		return zero, err
	}
	current, err := decode(storedJSON)
	if err != nil {
		return zero, err
	}
	base, err := view(current)
	if err != nil {
		return zero, err
	}
	target, err := view(obj)
	if err != nil {
		return zero, err
	}
	// The stored object's own type is kept whatever the views call it.
	for _, k := range []string{"apiVersion", "kind"} {
		base[k], target[k] = stored[k], stored[k]
	}
	merged, lost := mergeStored(stored, base, target)
	if len(lost) > 0 {
		return zero, &Error{Class: ErrNewerFields, Err: fmt.Errorf("the change would remove %s", strings.Join(lost, ", "))}
	}
	out, err := s.put(ctx, name, merged)
	if err != nil {
		return zero, err
	}
	return decode(out)
}

// jsonView is an object as JSON values, as its Go type writes it.
func jsonView(obj any) (map[string]any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return decodeJSONObject(b)
}

func decodeJSONObject(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

func resourceVersionOf(obj map[string]any) string {
	meta, _ := obj["metadata"].(map[string]any)
	rv, _ := meta["resourceVersion"].(string)
	return rv
}
