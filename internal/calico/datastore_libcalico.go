package calico

import (
	"context"
	"encoding/json"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/calico/libcalico-go/lib/apiconfig"
	"github.com/projectcalico/calico/libcalico-go/lib/clientv3"
	"github.com/projectcalico/calico/libcalico-go/lib/options"
	validator "github.com/projectcalico/calico/libcalico-go/lib/validator/v3"
	"k8s.io/apimachinery/pkg/runtime"
)

// libcalicoDatastore reaches Calico's objects through Calico's own client library, libcalico-go's
// clientv3: the code calicoctl and the Calico API server store objects with. It validates and
// defaults as they do and keeps Calico's storage format, so what the provider writes is what
// calicoctl would have written. Both of the library's backends use it, each with its own
// storage format and node store: Kubernetes (datastore_crdv1.go) and etcd (datastore_etcd.go).
type libcalicoDatastore struct {
	at  location
	api clientv3.Interface
	// storedAt reaches the stored objects for updates that must merge (see libcalicoStore.Update).
	storedAt  func(resource string) storedObjects
	format    storageFormat
	nodeStore nodeStore
}

// newLibcalicoClient builds Calico's client library on one of its backends. Nothing is sent to
// the datastore here.
func newLibcalicoClient(spec apiconfig.CalicoAPIConfigSpec) (clientv3.Interface, error) {
	quietLibrary()
	return clientv3.New(apiconfig.CalicoAPIConfig{Spec: spec})
}

func (d *libcalicoDatastore) location() location { return d.at }

func (d *libcalicoDatastore) stored(resource string) storedObjects { return d.storedAt(resource) }

func (d *libcalicoDatastore) nodes() nodeStore { return d.nodeStore }

func (d *libcalicoDatastore) bgpConfigurations() objectStore[*v3.BGPConfiguration] {
	return libcalicoStore[*v3.BGPConfiguration, *v3.BGPConfigurationList]{d.api.BGPConfigurations(), d.stored("bgpconfigurations"), v3.NewBGPConfiguration, d.format}
}

func (d *libcalicoDatastore) bgpPeers() objectStore[*v3.BGPPeer] {
	return libcalicoStore[*v3.BGPPeer, *v3.BGPPeerList]{d.api.BGPPeers(), d.stored("bgppeers"), v3.NewBGPPeer, d.format}
}

func (d *libcalicoDatastore) bgpFilters() objectStore[*v3.BGPFilter] {
	return libcalicoStore[*v3.BGPFilter, *v3.BGPFilterList]{d.api.BGPFilter(), d.stored("bgpfilters"), v3.NewBGPFilter, d.format}
}

func (d *libcalicoDatastore) ipPools() objectStore[*v3.IPPool] {
	return libcalicoStore[*v3.IPPool, *v3.IPPoolList]{d.api.IPPools(), d.stored("ippools"), v3.NewIPPool, d.format}
}

func (d *libcalicoDatastore) calicoNodeStatuses() objectStore[*v3.CalicoNodeStatus] {
	return libcalicoStore[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList]{d.api.CalicoNodeStatus(), d.stored("caliconodestatuses"), v3.NewCalicoNodeStatus, d.format}
}

// storageFormat is how one of the library's backends stores an object.
type storageFormat interface {
	// decode reads a stored object into obj, as the library reads it.
	decode(b []byte, obj Object) error
	// view is obj as the library would store it.
	view(obj Object) (map[string]any, error)
}

// libcalicoClient is what clientv3 offers for every cluster-scoped kind.
type libcalicoClient[T Object, L runtime.Object] interface {
	Create(ctx context.Context, res T, opts options.SetOptions) (T, error)
	Update(ctx context.Context, res T, opts options.SetOptions) (T, error)
	Delete(ctx context.Context, name string, opts options.DeleteOptions) (T, error)
	Get(ctx context.Context, name string, opts options.GetOptions) (T, error)
	List(ctx context.Context, opts options.ListOptions) (L, error)
}

type libcalicoStore[T Object, L runtime.Object] struct {
	api    libcalicoClient[T, L]
	stored storedObjects
	newObj func() T
	format storageFormat
}

func (s libcalicoStore[T, L]) Get(ctx context.Context, name string) (T, error) {
	return s.api.Get(ctx, name, options.GetOptions{})
}

func (s libcalicoStore[T, L]) Create(ctx context.Context, obj T) (T, error) {
	return s.api.Create(ctx, obj, options.SetOptions{})
}

// Update goes through Calico's client, with the checks and defaults calicoctl applies, unless the
// stored object holds fields the library's types do not know (written by a newer Calico):
// the client would drop them, so then the object is validated with Calico's validator and
// written as a merge onto the stored object, in the library's own storage format.
func (s libcalicoStore[T, L]) Update(ctx context.Context, obj T) (T, error) {
	var zero T
	stored, err := s.stored.get(ctx, obj.GetName())
	if err != nil {
		return zero, err
	}
	newer, err := s.holdsNewerFields(stored)
	if err != nil {
		return zero, err
	}
	if !newer {
		return s.api.Update(ctx, obj, options.SetOptions{})
	}
	if err := validator.Validate(obj); err != nil {
		return zero, err
	}
	return mergeUpdate(ctx, s.stored, obj, stored, s.view, s.decodeStored)
}

// holdsNewerFields says whether the stored object's spec has fields the library's types lack.
func (s libcalicoStore[T, L]) holdsNewerFields(stored map[string]any) (bool, error) {
	b, err := json.Marshal(stored)
	if err != nil {
		return false, err
	}
	current, err := s.decodeStored(b)
	if err != nil {
		return false, err
	}
	base, err := s.view(current)
	if err != nil {
		return false, err
	}
	return len(unknownFields(stored["spec"], base["spec"], "spec")) > 0, nil
}

// decodeStored reads a stored object as Calico's library does.
func (s libcalicoStore[T, L]) decodeStored(b []byte) (T, error) {
	obj := s.newObj()
	return obj, s.format.decode(b, obj)
}

func (s libcalicoStore[T, L]) view(obj T) (map[string]any, error) { return s.format.view(obj) }

func (s libcalicoStore[T, L]) Delete(ctx context.Context, name string) error {
	_, err := s.api.Delete(ctx, name, options.DeleteOptions{})
	return err
}

// Each lists the kind once; on Kubernetes the library pages that LIST itself.
func (s libcalicoStore[T, L]) Each(ctx context.Context, fn func(T) error) error {
	list, err := s.api.List(ctx, options.ListOptions{})
	if err != nil {
		return err
	}
	return eachItem(list, fn)
}
