package calico

import (
	"context"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// typedClient is what every generated Kubernetes client (client-go's gentype) offers for a
// cluster-scoped kind; the stores use it over Object, so that one store serves every kind.
type typedClient interface {
	Create(ctx context.Context, obj Object, opts metav1.CreateOptions) (Object, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
	Get(ctx context.Context, name string, opts metav1.GetOptions) (Object, error)
	List(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error)
}

// restStore is a store over a generated Kubernetes client: projectcalico.org/v3 kinds, and
// the Kubernetes Nodes that hold Calico's node settings.
type restStore struct {
	api    typedClient
	stored storedObjects
	newObj func() Object
}

func (s restStore) Get(ctx context.Context, name string) (Object, error) {
	return s.api.Get(ctx, name, metav1.GetOptions{})
}

func (s restStore) Create(ctx context.Context, obj Object) (Object, error) {
	return s.api.Create(ctx, obj, metav1.CreateOptions{})
}

// Update merges onto the stored object rather than sending obj: on Calico 3.32's native v3 CRDs
// the stored object may hold fields newer than the provider's types.
func (s restStore) Update(ctx context.Context, obj Object) (Object, error) {
	stored, err := s.stored.get(ctx, obj.GetName())
	if err != nil {
		return nil, err
	}
	return mergeUpdate(ctx, s.stored, obj, stored, func(o Object) (map[string]any, error) { return jsonView(o) }, s.decode)
}

func (s restStore) decode(b []byte) (Object, error) {
	obj := s.newObj()
	return obj, json.Unmarshal(b, obj)
}

func (s restStore) Delete(ctx context.Context, name string) error {
	return s.api.Delete(ctx, name, metav1.DeleteOptions{})
}

const listPageSize = 500

// Each reads one page at a time, so that memory stays bounded by the page size however many
// objects there are.
func (s restStore) Each(ctx context.Context, fn func(Object) error) error {
	opts := metav1.ListOptions{Limit: listPageSize}
	for {
		list, err := s.api.List(ctx, opts)
		if err != nil {
			return err
		}
		if err := eachItem(list, fn); err != nil {
			return err
		}
		lm, err := meta.ListAccessor(list)
		if err != nil {
			return err
		}
		if lm.GetContinue() == "" {
			return nil
		}
		opts.Continue = lm.GetContinue()
	}
}

// eachItem calls fn for the items of a typed list.
func eachItem(list runtime.Object, fn func(Object) error) error {
	return meta.EachListItem(list, func(o runtime.Object) error {
		obj, ok := o.(Object)
		if !ok {
			return fmt.Errorf("the API returned %T, which is no Calico object", o)
		}
		return fn(obj)
	})
}
