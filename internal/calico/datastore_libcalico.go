package calico

import (
	"context"
	"encoding/json"

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

// objects reaches the kind through its client in Calico's library.
func (d *libcalicoDatastore) objects(k kindEntry) objectStore {
	return libcalicoStore{api: k.libraryClient(d.api), stored: d.stored(k.info().Plural), newObj: k.newObject, format: d.format}
}

// storageFormat is how one of the library's backends stores an object.
type storageFormat interface {
	// decode reads a stored object into obj, as the library reads it.
	decode(b []byte, obj Object) error
	// view is obj as the library would store it.
	view(obj Object) (map[string]any, error)
}

// LibraryClient is what clientv3 offers to write any cluster-scoped kind.
type LibraryClient[T any] interface {
	Create(ctx context.Context, res T, opts options.SetOptions) (T, error)
	Update(ctx context.Context, res T, opts options.SetOptions) (T, error)
	Delete(ctx context.Context, name string, opts options.DeleteOptions) (T, error)
	Get(ctx context.Context, name string, opts options.GetOptions) (T, error)
}

// libcalicoClient is what clientv3 offers for every cluster-scoped kind, listing included.
type libcalicoClient[T Object, L runtime.Object] interface {
	LibraryClient[T]
	List(ctx context.Context, opts options.ListOptions) (L, error)
}

// libcalicoStore is a store over a kind's client in Calico's library, over Object so that one
// store serves every kind.
type libcalicoStore struct {
	api    libcalicoClient[Object, runtime.Object]
	stored storedObjects
	newObj func() Object
	format storageFormat
}

func (s libcalicoStore) Get(ctx context.Context, name string) (Object, error) {
	return s.api.Get(ctx, name, options.GetOptions{})
}

func (s libcalicoStore) Create(ctx context.Context, obj Object) (Object, error) {
	return s.api.Create(ctx, obj, options.SetOptions{})
}

// Update goes through Calico's client, with the checks and defaults calicoctl applies, unless the
// stored object holds fields the library's types do not know (written by a newer Calico):
// the client would drop them, so then the object is validated with Calico's validator and
// written as a merge onto the stored object, in the library's own storage format.
func (s libcalicoStore) Update(ctx context.Context, obj Object) (Object, error) {
	stored, err := s.stored.get(ctx, obj.GetName())
	if err != nil {
		return nil, err
	}
	newer, err := s.holdsNewerFields(stored)
	if err != nil {
		return nil, err
	}
	if !newer {
		return s.api.Update(ctx, obj, options.SetOptions{})
	}
	if err := validator.Validate(obj); err != nil {
		return nil, err
	}
	return mergeUpdate(ctx, s.stored, obj, stored, s.view, s.decodeStored)
}

// holdsNewerFields says whether the stored object's spec has fields the library's types lack.
func (s libcalicoStore) holdsNewerFields(stored map[string]any) (bool, error) {
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
func (s libcalicoStore) decodeStored(b []byte) (Object, error) {
	obj := s.newObj()
	return obj, s.format.decode(b, obj)
}

func (s libcalicoStore) view(obj Object) (map[string]any, error) { return s.format.view(obj) }

func (s libcalicoStore) Delete(ctx context.Context, name string) error {
	_, err := s.api.Delete(ctx, name, options.DeleteOptions{})
	return err
}

// Each lists the kind once; on Kubernetes the library pages that LIST itself.
func (s libcalicoStore) Each(ctx context.Context, fn func(Object) error) error {
	list, err := s.api.List(ctx, options.ListOptions{})
	if err != nil {
		return err
	}
	return eachItem(list, fn)
}
