package calico

import (
	"context"
	"encoding/json"
	"fmt"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	calicov3 "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/typed/projectcalico/v3"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// v3Datastore reaches Calico through projectcalico.org/v3 on the Kubernetes API: the Calico API
// server (which validates, defaults and stores through Calico's library) or Calico 3.32's
// native v3 CRDs.
type v3Datastore struct {
	api calicov3.ProjectcalicoV3Interface
}

func (d v3Datastore) stored(resource string) storedObjects {
	return restStored{rest: d.api.RESTClient(), group: "projectcalico.org", version: "v3", resource: resource}
}

func (d v3Datastore) apiGroup() string { return APIGroupV3 }

func (d v3Datastore) nodeStore() nodeStore { return kubeNodeStore{} }

func (d v3Datastore) bgpConfigurations() objectStore[*v3.BGPConfiguration] {
	return restStore[*v3.BGPConfiguration, *v3.BGPConfigurationList]{d.api.BGPConfigurations(), d.stored("bgpconfigurations"), v3.NewBGPConfiguration}
}

func (d v3Datastore) bgpPeers() objectStore[*v3.BGPPeer] {
	return restStore[*v3.BGPPeer, *v3.BGPPeerList]{d.api.BGPPeers(), d.stored("bgppeers"), v3.NewBGPPeer}
}

func (d v3Datastore) bgpFilters() objectStore[*v3.BGPFilter] {
	return restStore[*v3.BGPFilter, *v3.BGPFilterList]{d.api.BGPFilters(), d.stored("bgpfilters"), v3.NewBGPFilter}
}

func (d v3Datastore) ipPools() objectStore[*v3.IPPool] {
	return restStore[*v3.IPPool, *v3.IPPoolList]{d.api.IPPools(), d.stored("ippools"), v3.NewIPPool}
}

func (d v3Datastore) calicoNodeStatuses() objectStore[*v3.CalicoNodeStatus] {
	return restStore[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList]{d.api.CalicoNodeStatuses(), d.stored("caliconodestatuses"), v3.NewCalicoNodeStatus}
}

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
