package calico

import (
	"context"
	"errors"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/retry"
)

// Object is a cluster-scoped Calico API object, such as *v3.BGPPeer.
type Object interface {
	metav1.Object
	runtime.Object
}

// Kind describes one kind of object. Its methods are the provider's CRUD for every kind, on
// every datastore: resources differ only in how they map their fields.
type Kind[T Object] struct {
	Name  string // Calico's kind name, used in messages
	New   func() T
	store func(*Client) objectStore[T]
	// core marks a kind of the Kubernetes core API rather than of the Calico datastore.
	core bool
}

// The kinds the provider manages.
var (
	BGPConfigurations = Kind[*v3.BGPConfiguration]{
		Name: v3.KindBGPConfiguration, New: v3.NewBGPConfiguration,
		store: func(c *Client) objectStore[*v3.BGPConfiguration] { return c.ds.bgpConfigurations() },
	}
	BGPPeers = Kind[*v3.BGPPeer]{
		Name: v3.KindBGPPeer, New: v3.NewBGPPeer,
		store: func(c *Client) objectStore[*v3.BGPPeer] { return c.ds.bgpPeers() },
	}
	BGPFilters = Kind[*v3.BGPFilter]{
		Name: v3.KindBGPFilter, New: v3.NewBGPFilter,
		store: func(c *Client) objectStore[*v3.BGPFilter] { return c.ds.bgpFilters() },
	}
	CalicoNodeStatuses = Kind[*v3.CalicoNodeStatus]{
		Name: v3.KindCalicoNodeStatus, New: v3.NewCalicoNodeStatus,
		store: func(c *Client) objectStore[*v3.CalicoNodeStatus] { return c.ds.calicoNodeStatuses() },
	}
	IPPools = Kind[*v3.IPPool]{
		Name: v3.KindIPPool, New: v3.NewIPPool,
		store: func(c *Client) objectStore[*v3.IPPool] { return c.ds.ipPools() },
	}
)

func (k Kind[T]) connect(ctx context.Context, c *Client) (objectStore[T], error) {
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	return k.store(c), nil
}

func (k Kind[T]) classify(c *Client, err error, name string) error {
	return classify(err, k.apiGroup(c), k.Name, name)
}

// apiGroup is where the kind's objects are: the chosen Calico datastore, or the core API ("").
func (k Kind[T]) apiGroup(c *Client) string {
	if k.core {
		return ""
	}
	return c.ds.apiGroup()
}

// Get returns the named object. When many objects of the kind are read in one run (a plan's
// refresh), they are served from one paged LIST instead of one request each; see snapshot.
func (k Kind[T]) Get(ctx context.Context, c *Client, name string) (T, error) {
	obj, err := k.find(ctx, c, name)
	if err != nil {
		var zero T
		return zero, err
	}
	return obj.DeepCopyObject().(T), nil
}

// ResourceVersion returns the named object's resourceVersion, found as Get finds it.
func (k Kind[T]) ResourceVersion(ctx context.Context, c *Client, name string) (string, error) {
	obj, err := k.find(ctx, c, name)
	if err != nil {
		return "", err
	}
	return obj.GetResourceVersion(), nil
}

// find returns the named object from this run's snapshot (shared: not to be changed) or, when
// there is none, from a GET.
func (k Kind[T]) find(ctx context.Context, c *Client, name string) (T, error) {
	var zero T
	s, err := k.connect(ctx, c)
	if err != nil {
		return zero, err
	}
	obj, ok, err := c.snapshotFor(k.Name).lookup(ctx, name, func(ctx context.Context) ([]runtime.Object, error) {
		var all []runtime.Object
		err := s.Each(ctx, func(o T) error { all = append(all, o); return nil })
		return all, err
	})
	switch {
	case err != nil:
		return zero, k.classify(c, err, name)
	case !ok:
		live, err := s.Get(ctx, name)
		return live, k.classify(c, err, name)
	case obj == nil:
		return zero, &Error{Class: ErrNotFound, Kind: k.Name, Name: name, APIGroup: k.apiGroup(c)}
	}
	return obj.(T), nil
}

// Each calls fn for every object of the kind, from one paged LIST.
func (k Kind[T]) Each(ctx context.Context, c *Client, fn func(T) error) error {
	s, err := k.connect(ctx, c)
	if err != nil {
		return err
	}
	return k.classify(c, s.Each(ctx, fn), "")
}

// Create creates obj. An existing object of that name is ErrAlreadyExists.
func (k Kind[T]) Create(ctx context.Context, c *Client, obj T) (T, error) {
	var zero T
	s, err := k.connect(ctx, c)
	if err != nil {
		return zero, err
	}
	out, err := s.Create(ctx, obj)
	if err != nil {
		return zero, k.classify(c, err, obj.GetName())
	}
	c.snapshotFor(k.Name).store(out.GetName(), out)
	return out, nil
}

// Update applies mutate to the live object and writes it back with its resourceVersion,
// re-reading and retrying when someone else wrote in between.
func (k Kind[T]) Update(ctx context.Context, c *Client, name string, mutate func(T) error) (T, error) {
	var zero T
	s, err := k.connect(ctx, c)
	if err != nil {
		return zero, err
	}
	var out T
	first := true
	err = retry.OnError(retry.DefaultRetry, func(err error) bool { return errors.Is(err, ErrConflict) }, func() error {
		var live T
		var err error
		if first {
			live, err = k.Get(ctx, c, name) // may be served from this run's snapshot
		} else {
			live, err = s.Get(ctx, name)
			err = k.classify(c, err, name)
		}
		first = false
		if err != nil {
			return err
		}
		if err := mutate(live); err != nil {
			return err
		}
		out, err = s.Update(ctx, live)
		return k.classify(c, err, name)
	})
	if err != nil {
		return zero, err
	}
	c.snapshotFor(k.Name).store(name, out)
	return out, nil
}

// Delete deletes the named object. A missing object is ErrNotFound.
func (k Kind[T]) Delete(ctx context.Context, c *Client, name string) error {
	s, err := k.connect(ctx, c)
	if err != nil {
		return err
	}
	err = s.Delete(ctx, name)
	c.snapshotFor(k.Name).forget(name)
	return k.classify(c, err, name)
}
