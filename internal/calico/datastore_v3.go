package calico

import (
	"context"
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

func (d v3Datastore) apiGroup() string { return APIGroupV3 }

func (d v3Datastore) bgpConfigurations() objectStore[*v3.BGPConfiguration] {
	return restStore[*v3.BGPConfiguration, *v3.BGPConfigurationList]{d.api.BGPConfigurations()}
}

func (d v3Datastore) bgpPeers() objectStore[*v3.BGPPeer] {
	return restStore[*v3.BGPPeer, *v3.BGPPeerList]{d.api.BGPPeers()}
}

func (d v3Datastore) bgpFilters() objectStore[*v3.BGPFilter] {
	return restStore[*v3.BGPFilter, *v3.BGPFilterList]{d.api.BGPFilters()}
}

func (d v3Datastore) ipPools() objectStore[*v3.IPPool] {
	return restStore[*v3.IPPool, *v3.IPPoolList]{d.api.IPPools()}
}

func (d v3Datastore) calicoNodeStatuses() objectStore[*v3.CalicoNodeStatus] {
	return restStore[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList]{d.api.CalicoNodeStatuses()}
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
	api typedClient[T, L]
}

func (s restStore[T, L]) Get(ctx context.Context, name string) (T, error) {
	return s.api.Get(ctx, name, metav1.GetOptions{})
}

func (s restStore[T, L]) Create(ctx context.Context, obj T) (T, error) {
	return s.api.Create(ctx, obj, metav1.CreateOptions{})
}

func (s restStore[T, L]) Update(ctx context.Context, obj T) (T, error) {
	return s.api.Update(ctx, obj, metav1.UpdateOptions{})
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
