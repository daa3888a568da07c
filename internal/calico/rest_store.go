package calico

import (
	"context"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// typedClient is what every generated Kubernetes client offers for a cluster-scoped kind.
type typedClient[T Object, L runtime.Object] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
}

// restStore is a store over a generated Kubernetes client: projectcalico.org/v3 kinds, and
// the Kubernetes Nodes that hold Calico's node settings.
type restStore[T Object, L runtime.Object] struct {
	api    typedClient[T, L]
	stored storedObjects
	newObj func() T
}

func (s restStore[T, L]) Get(ctx context.Context, name string) (T, error) {
	return s.api.Get(ctx, name, metav1.GetOptions{})
}

func (s restStore[T, L]) Create(ctx context.Context, obj T) (T, error) {
	return s.api.Create(ctx, obj, metav1.CreateOptions{})
}

// Update merges onto the stored object rather than sending obj: on Calico 3.32's native v3 CRDs
// the stored object may hold fields newer than the provider's types.
func (s restStore[T, L]) Update(ctx context.Context, obj T) (T, error) {
	stored, err := s.stored.get(ctx, obj.GetName())
	if err != nil {
		var zero T
		return zero, err
	}
	return mergeUpdate(ctx, s.stored, obj, stored, func(o T) (map[string]any, error) { return jsonView(o) }, s.decode)
}

func (s restStore[T, L]) decode(b []byte) (T, error) {
	obj := s.newObj()
	return obj, json.Unmarshal(b, obj)
}

func (s restStore[T, L]) Delete(ctx context.Context, name string) error {
	return s.api.Delete(ctx, name, metav1.DeleteOptions{})
}

const listPageSize = 500

// Each reads one page at a time, so that memory stays bounded by the page size however many
// objects there are.
func (s restStore[T, L]) Each(ctx context.Context, fn func(T) error) error {
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
func eachItem[T Object](list runtime.Object, fn func(T) error) error {
	return meta.EachListItem(list, func(o runtime.Object) error {
		t, ok := o.(T)
		if !ok {
			var want T
			return fmt.Errorf("the API returned %T where %T was expected", o, want)
		}
		return fn(t)
	})
}
