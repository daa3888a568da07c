package calico

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync/atomic"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/retry"
)

// Object is a cluster-scoped Calico API object, such as *v3.BGPPeer.
type Object interface {
	metav1.Object
	runtime.Object
}

// Kind is one kind of object on the client's datastore. Its methods are the provider's CRUD for
// every kind, on every datastore: resources differ only in how they map their fields. A Kind
// makes no request until a method that takes a context is called, so its Name and New serve
// before the client is configured. The registry (kinds.go) gives each kind's: calico.BGPPeers.On(c)
// is BGPPeers on c's datastore.
type Kind[T Object] struct {
	Name string // Calico's kind name, used in messages
	// Info is what the registry says of the kind; empty for Calico's nodes, which are no
	// registered kind.
	Info KindInfo
	New  func() T
	// open connects, when needed, and returns the kind's objects on the chosen datastore.
	open func(ctx context.Context) (*objects, error)
	// writes counts the client's writes (Client.Writes); nil for a kind of no client's.
	writes *atomic.Uint64
}

// wrote counts a write, before its outcome is known: a failed write may have landed.
func (k Kind[T]) wrote() {
	if k.writes != nil {
		k.writes.Add(1)
	}
}

// storeKind is a kind over objects already opened, as a datastore's node store holds them.
func storeKind[T Object](newObj func() T, o *objects) Kind[T] {
	return Kind[T]{Name: o.kind, New: newObj, open: func(context.Context) (*objects, error) { return o, nil }}
}

// objects is one kind's store on the chosen datastore, with this run's snapshot of it.
type objects struct {
	kind  string
	at    location
	store objectStore
	snap  snapshot
}

func newObjects(kind string, at location, store objectStore) *objects {
	return &objects{kind: kind, at: at, store: store}
}

// classify classifies the outcome of an operation on the kind, and notes whether the datastore
// answered. A failure after the caller stopped waiting (Terraform interrupted) is an
// interruption, whatever the datastore's client made of the canceled request.
func (o *objects) classify(ctx context.Context, err error, op, name string) error {
	if err != nil {
		if stopped := silenced(ctx); stopped != nil {
			err = stopped
		} else if errors.Is(ctx.Err(), context.Canceled) {
			err = &Error{Class: ErrInterrupted, Err: err}
		}
	}
	err = classify(err, op, o.at, o.kind, name)
	o.at.silence.observe(err)
	return err
}

// Get returns the named object. When many objects of the kind are read in one run (a plan's
// refresh), they are served from one paged LIST instead of one request each; see snapshot.
func (k Kind[T]) Get(ctx context.Context, name string) (T, error) {
	obj, err := k.find(ctx, name)
	if err != nil {
		var zero T
		return zero, err
	}
	return typed[T](obj.DeepCopyObject())
}

// ResourceVersion returns the named object's resourceVersion, found as Get finds it.
func (k Kind[T]) ResourceVersion(ctx context.Context, name string) (string, error) {
	obj, err := k.find(ctx, name)
	if err != nil {
		return "", err
	}
	return obj.GetResourceVersion(), nil
}

// openBound opens the kind's objects, with ctx bounded as its datastore bounds an operation
// (op on the named object). release is always to be called.
func (k Kind[T]) openBound(ctx context.Context, op, name string) (*objects, context.Context, func(), error) {
	o, err := k.open(ctx)
	if err != nil {
		return nil, ctx, func() {}, err
	}
	ctx, release, err := o.at.bound(ctx)
	if err != nil {
		return nil, ctx, release, o.classify(ctx, err, op, name)
	}
	return o, ctx, release, nil
}

// find returns the named object from this run's snapshot (shared: not to be changed) or, when
// there is none, from a GET.
func (k Kind[T]) find(ctx context.Context, name string) (T, error) {
	var zero T
	o, ctx, cancel, err := k.openBound(ctx, OpRead, name)
	defer cancel()
	if err != nil {
		return zero, err
	}
	obj, ok, err := o.snap.lookup(ctx, name, func(ctx context.Context) ([]runtime.Object, error) {
		var all []runtime.Object
		err := o.store.Each(ctx, func(obj Object) error { all = append(all, obj); return nil })
		return all, err
	})
	switch {
	case err != nil:
		return zero, o.classify(ctx, err, OpList, name)
	case !ok:
		live, err := o.store.Get(ctx, name)
		return as[T](live, o.classify(ctx, err, OpRead, name))
	case obj == nil:
		return zero, &Error{Class: ErrNotFound, Op: OpRead, Kind: k.Name, Name: name, APIGroup: o.at.group, Endpoint: o.at.endpoint}
	}
	return typed[T](obj)
}

// Each calls fn for every object of the kind, from one paged LIST.
func (k Kind[T]) Each(ctx context.Context, fn func(T) error) error {
	o, ctx, cancel, err := k.openBound(ctx, OpList, "")
	defer cancel()
	if err != nil {
		return err
	}
	return o.classify(ctx, o.store.Each(ctx, func(obj Object) error { return fn(obj.(T)) }), OpList, "")
}

// Create creates obj. An existing object of that name is ErrAlreadyExists.
func (k Kind[T]) Create(ctx context.Context, obj T) (T, error) {
	k.wrote()
	var zero T
	o, ctx, cancel, err := k.openBound(ctx, OpCreate, obj.GetName())
	defer cancel()
	if err != nil {
		return zero, err
	}
	// What the provider sends, before Calico's library defaults it in place: a default the
	// library adds for a field the cluster's CRDs lack is not the provider's to lose.
	sent := obj.DeepCopyObject().(T)
	out, err := as[T](o.store.Create(ctx, obj))
	if err := o.classify(ctx, err, OpCreate, obj.GetName()); err != nil {
		return zero, err
	}
	if err := o.keptAll(sent, out, OpCreate); err != nil {
		// Nothing is left half-made: the object goes again, and the error says what was dropped.
		if derr := o.store.Delete(ctx, out.GetName()); derr != nil {
			o.snap.store(out.GetName(), out)
			return zero, errors.Join(err, o.classify(ctx, derr, OpDelete, out.GetName()))
		}
		return zero, err
	}
	o.snap.store(out.GetName(), out)
	return out, nil
}

// Update applies mutate to the live object and writes it back with its resourceVersion,
// re-reading and retrying when someone else wrote in between.
func (k Kind[T]) Update(ctx context.Context, name string, mutate func(T) error) (T, error) {
	k.wrote()
	var zero T
	o, ctx, cancel, err := k.openBound(ctx, OpUpdate, name)
	defer cancel()
	if err != nil {
		return zero, err
	}
	var out, sent, read T
	first := true
	err = retry.OnError(retry.DefaultRetry, func(err error) bool { return errors.Is(err, ErrConflict) }, func() error {
		var live T
		var err error
		if first {
			live, err = k.Get(ctx, name) // may be served from this run's snapshot
		} else {
			live, err = as[T](o.store.Get(ctx, name))
			err = o.classify(ctx, err, OpRead, name)
		}
		first = false
		if err != nil {
			return err
		}
		read = live.DeepCopyObject().(T)
		if err := mutate(live); err != nil {
			return err
		}
		sent = live.DeepCopyObject().(T) // before the library defaults it in place, as in Create
		out, err = as[T](o.store.Update(ctx, live))
		return o.classify(ctx, err, OpUpdate, name)
	})
	if err != nil {
		return zero, err
	}
	o.snap.store(name, out)
	if err := o.keptChanges(sent, out, read, OpUpdate); err != nil {
		return zero, err
	}
	return out, nil
}

// Delete deletes the named object. A missing object is ErrNotFound.
func (k Kind[T]) Delete(ctx context.Context, name string) error {
	k.wrote()
	o, ctx, cancel, err := k.openBound(ctx, OpDelete, name)
	defer cancel()
	if err != nil {
		return err
	}
	err = o.store.Delete(ctx, name)
	o.snap.forget(name)
	return o.classify(ctx, err, OpDelete, name)
}

// typed is obj as the kind's type. The stores make objects of the kind's own type, so another
// type is a defect, reported as an error rather than a crash of Terraform's run.
func typed[T Object](obj runtime.Object) (T, error) {
	t, ok := obj.(T)
	if !ok {
		return t, fmt.Errorf("a stored object came back as %T, not %T", obj, t)
	}
	return t, nil
}

// as is a store's answer as the kind's type: the zero value with the error, if any.
func as[T Object](obj Object, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	return typed[T](obj)
}

// keptAll fails with ErrFieldDropped when the datastore answered a write with an object that
// lacks a field of the spec it was sent: a CRD of an older Calico prunes the fields it does not
// have, and an older Calico API server drops them, each without an error.
func (o *objects) keptAll(sent, stored Object, op string) error {
	return o.keptChanges(sent, stored, nil, op)
}

// keptChanges is keptAll for what an update changed: a field sent as it was read (read) is no
// loss of this write's, even when the datastore does not keep it (Calico's library fills
// defaults in when it reads, and an older CRD prunes them when they are written back).
func (o *objects) keptChanges(sent, stored, read Object, op string) error {
	dropped, err := droppedFields(sent, stored)
	if err != nil || len(dropped) == 0 {
		return err
	}
	if read != nil {
		sentView, err1 := jsonView(sent)
		readView, err2 := jsonView(read)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		dropped = slices.DeleteFunc(dropped, func(at []any) bool {
			was, ok := valueAt(readView, at)
			now, _ := valueAt(sentView, at)
			return ok && reflect.DeepEqual(was, now)
		})
		if len(dropped) == 0 {
			return nil
		}
	}
	return &Error{Class: ErrFieldDropped, Op: op, Kind: o.kind, Name: sent.GetName(), APIGroup: o.at.group,
		Endpoint: o.at.endpoint, Dropped: dropped}
}

// droppedFields are the places in sent's spec holding a value that stored lacks, as Calico's
// validator names places ("spec", "exportV4", 0, "prefixLength").
func droppedFields(sent, stored Object) ([][]any, error) {
	a, err := jsonView(sent)
	if err != nil {
		return nil, err
	}
	b, err := jsonView(stored)
	if err != nil {
		return nil, err
	}
	return missingLeaves(a["spec"], b["spec"], []any{"spec"}), nil
}

// missingLeaves lists the places where a holds a value and b holds none.
func missingLeaves(a, b any, at []any) [][]any {
	switch a := a.(type) {
	case map[string]any:
		bm, _ := b.(map[string]any)
		var out [][]any
		for _, key := range slices.Sorted(maps.Keys(a)) {
			child, ok := bm[key]
			if !ok || child == nil {
				if hasLeaf(a[key]) {
					out = append(out, append(slices.Clone(at), key))
				}
				continue
			}
			out = append(out, missingLeaves(a[key], child, append(slices.Clone(at), key))...)
		}
		return out
	case []any:
		bl, _ := b.([]any)
		var out [][]any
		for i, elem := range a {
			if i >= len(bl) {
				if hasLeaf(elem) {
					out = append(out, append(slices.Clone(at), i))
				}
				continue
			}
			out = append(out, missingLeaves(elem, bl[i], append(slices.Clone(at), i))...)
		}
		return out
	}
	return nil
}

// hasLeaf says whether v holds a value at all (an empty object or list holds none).
func hasLeaf(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for _, child := range v {
			if hasLeaf(child) {
				return true
			}
		}
		return false
	case []any:
		return slices.ContainsFunc(v, hasLeaf)
	}
	return v != nil
}

// valueAt is the value at a place in a JSON view; ok is false where there is none.
func valueAt(v any, at []any) (any, bool) {
	for _, step := range at {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[s]; !ok {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || s >= len(l) {
				return nil, false
			}
			v = l[s]
		}
	}
	return v, true
}
