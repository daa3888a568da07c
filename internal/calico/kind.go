package calico

import (
	"context"
	"fmt"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/retry"
)

// Object is a cluster-scoped Calico API object, such as *v3.BGPPeer.
type Object interface {
	metav1.Object
	runtime.Object
}

// typedClient is what every generated projectcalico.org/v3 client offers.
type typedClient[T Object, L runtime.Object] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
}

// Kind describes one projectcalico.org/v3 kind. Its methods are the only CRUD implementation in
// the provider; resources differ only in how they map their fields.
type Kind[T Object, L runtime.Object] struct {
	Name string // Calico's kind name, used in messages
	New  func() T
	api  func(*Client) typedClient[T, L]
}

// The kinds the provider manages.
var (
	BGPConfigurations = Kind[*v3.BGPConfiguration, *v3.BGPConfigurationList]{
		Name: v3.KindBGPConfiguration,
		New:  func() *v3.BGPConfiguration { return v3.NewBGPConfiguration() },
		api: func(c *Client) typedClient[*v3.BGPConfiguration, *v3.BGPConfigurationList] {
			return c.calico.BGPConfigurations()
		},
	}
	BGPPeers = Kind[*v3.BGPPeer, *v3.BGPPeerList]{
		Name: v3.KindBGPPeer,
		New:  func() *v3.BGPPeer { return v3.NewBGPPeer() },
		api: func(c *Client) typedClient[*v3.BGPPeer, *v3.BGPPeerList] {
			return c.calico.BGPPeers()
		},
	}
	BGPFilters = Kind[*v3.BGPFilter, *v3.BGPFilterList]{
		Name: v3.KindBGPFilter,
		New:  func() *v3.BGPFilter { return v3.NewBGPFilter() },
		api: func(c *Client) typedClient[*v3.BGPFilter, *v3.BGPFilterList] {
			return c.calico.BGPFilters()
		},
	}
	CalicoNodeStatuses = Kind[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList]{
		Name: v3.KindCalicoNodeStatus,
		New:  func() *v3.CalicoNodeStatus { return v3.NewCalicoNodeStatus() },
		api: func(c *Client) typedClient[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList] {
			return c.calico.CalicoNodeStatuses()
		},
	}
	// Nodes are Kubernetes Nodes: in the Kubernetes datastore a Calico Node is the Kubernetes
	// Node, its BGP settings annotations and its labels Calico's node labels.
	Nodes = Kind[*corev1.Node, *corev1.NodeList]{
		Name: "Node",
		New:  func() *corev1.Node { return &corev1.Node{} },
		api: func(c *Client) typedClient[*corev1.Node, *corev1.NodeList] {
			return c.core.Nodes()
		},
	}
	IPPools = Kind[*v3.IPPool, *v3.IPPoolList]{
		Name: v3.KindIPPool,
		New:  func() *v3.IPPool { return v3.NewIPPool() },
		api: func(c *Client) typedClient[*v3.IPPool, *v3.IPPoolList] {
			return c.calico.IPPools()
		},
	}
)

func (k Kind[T, L]) client(ctx context.Context, c *Client) (typedClient[T, L], error) {
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	return k.api(c), nil
}

// Get returns the named object. When many objects of the kind are read in one run (a plan's
// refresh), they are served from one paged LIST instead of one request each; see snapshot.
func (k Kind[T, L]) Get(ctx context.Context, c *Client, name string) (T, error) {
	var zero T
	api, err := k.client(ctx, c)
	if err != nil {
		return zero, err
	}
	obj, ok, err := c.snapshotFor(k.Name).lookup(ctx, name, func(ctx context.Context) ([]runtime.Object, error) {
		return k.listAll(ctx, api)
	})
	if err != nil {
		return zero, classify(err, k.Name, name)
	}
	if ok {
		if obj == nil {
			return zero, fmt.Errorf("%s %q %w", k.Name, name, ErrNotFound)
		}
		return k.cast(obj.DeepCopyObject())
	}
	return k.getDirect(ctx, api, name)
}

func (k Kind[T, L]) getDirect(ctx context.Context, api typedClient[T, L], name string) (T, error) {
	obj, err := api.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		var zero T
		return zero, classify(err, k.Name, name)
	}
	return obj, nil
}

// cast converts a listed object to the kind's Go type.
func (k Kind[T, L]) cast(o runtime.Object) (T, error) {
	t, ok := o.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("the API returned %T where a %s was expected", o, k.Name)
	}
	return t, nil
}

const listPageSize = 500

func (k Kind[T, L]) listAll(ctx context.Context, api typedClient[T, L]) ([]runtime.Object, error) {
	var out []runtime.Object
	err := k.eachPage(ctx, api, func(items []runtime.Object) error {
		out = append(out, items...)
		return nil
	})
	return out, err
}

// Each calls fn for every object of the kind, reading one page at a time, so that memory stays
// bounded by the page size however many objects there are.
func (k Kind[T, L]) Each(ctx context.Context, c *Client, fn func(T) error) error {
	api, err := k.client(ctx, c)
	if err != nil {
		return err
	}
	err = k.eachPage(ctx, api, func(items []runtime.Object) error {
		for _, o := range items {
			t, err := k.cast(o)
			if err != nil {
				return err
			}
			if err := fn(t); err != nil {
				return err
			}
		}
		return nil
	})
	return classify(err, k.Name, "")
}

func (k Kind[T, L]) eachPage(ctx context.Context, api typedClient[T, L], fn func([]runtime.Object) error) error {
	opts := metav1.ListOptions{Limit: listPageSize}
	for {
		list, err := api.List(ctx, opts)
		if err != nil {
			return err
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return err
		}
		if err := fn(items); err != nil {
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

// Create creates obj. An existing object of that name is ErrAlreadyExists.
func (k Kind[T, L]) Create(ctx context.Context, c *Client, obj T) (T, error) {
	var zero T
	api, err := k.client(ctx, c)
	if err != nil {
		return zero, err
	}
	out, err := api.Create(ctx, obj, metav1.CreateOptions{})
	if err != nil {
		return zero, classify(err, k.Name, obj.GetName())
	}
	c.snapshotFor(k.Name).store(out.GetName(), out)
	return out, nil
}

// Update applies mutate to the live object and writes it back with its resourceVersion,
// re-reading and retrying when someone else wrote in between (409 Conflict).
func (k Kind[T, L]) Update(ctx context.Context, c *Client, name string, mutate func(T) error) (T, error) {
	var zero T
	api, err := k.client(ctx, c)
	if err != nil {
		return zero, err
	}
	var out T
	first := true
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		var live T
		var err error
		if first {
			live, err = k.Get(ctx, c, name) // may be served from this run's snapshot
		} else {
			live, err = k.getDirect(ctx, api, name)
		}
		first = false
		if err != nil {
			return err
		}
		if err := mutate(live); err != nil {
			return err
		}
		out, err = api.Update(ctx, live, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		if apierrors.IsConflict(err) {
			return zero, fmt.Errorf("updating %s %q: it kept changing under the provider: %w", k.Name, name, err)
		}
		return zero, classify(err, k.Name, name)
	}
	c.snapshotFor(k.Name).store(name, out)
	return out, nil
}

// Delete deletes the named object. A missing object is ErrNotFound.
func (k Kind[T, L]) Delete(ctx context.Context, c *Client, name string) error {
	api, err := k.client(ctx, c)
	if err != nil {
		return err
	}
	err = api.Delete(ctx, name, metav1.DeleteOptions{})
	c.snapshotFor(k.Name).forget(name)
	return classify(err, k.Name, name)
}
