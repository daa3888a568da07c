package calico

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
)

// The paths to Calico's objects in a Kubernetes cluster, as the calico_api_group setting names
// them.
const (
	// APIGroupAuto picks projectcalico.org/v3 when it is served, else crd.projectcalico.org/v1.
	APIGroupAuto = "auto"
	// APIGroupV3 is Calico's user-facing API, served by the Calico API server (Calico 3.31 and
	// earlier) or natively as CRDs (Calico 3.32 and later).
	APIGroupV3 = "projectcalico.org/v3"
	// APIGroupCRDV1 is Calico's Kubernetes storage, written through Calico's own library as
	// calicoctl and the Calico API server write it.
	APIGroupCRDV1 = "crd.projectcalico.org/v1"
)

// APIGroups are the values calico_api_group accepts.
var APIGroups = []string{APIGroupAuto, APIGroupV3, APIGroupCRDV1}

// objectStore is one kind's objects on one datastore.
type objectStore interface {
	Get(ctx context.Context, name string) (Object, error)
	// Each calls fn for every object, reading the kind with one paged LIST.
	Each(ctx context.Context, fn func(Object) error) error
	Create(ctx context.Context, obj Object) (Object, error)
	// Update writes obj, whose resourceVersion must be the one it was read at.
	Update(ctx context.Context, obj Object) (Object, error)
	Delete(ctx context.Context, name string) error
}

// datastore is one way to reach Calico's objects, as libcalico-go's backend api.Client is:
// projectcalico.org/v3 (datastore_v3.go), crd.projectcalico.org/v1 through Calico's library
// (datastore_crdv1.go) or Calico's own etcd through it (datastore_etcd.go). openDatastore picks
// one when the client connects; nothing above this package knows which. A datastore stores
// every registered kind (kinds.go) the same way, and has no code of its own for any kind.
type datastore interface {
	// location says where the datastore is: its path (an APIGroups value, or DatastoreEtcdV3)
	// and endpoint, for messages, and how long an operation may take.
	location() location
	// stored reads and writes a kind's objects as the datastore stores them; resource is its
	// plural.
	stored(resource string) storedObjects
	// objects is a registered kind's objects, through the client the datastore writes with.
	objects(k kindEntry) objectStore
	// nodes are Calico's nodes as this datastore keeps them (see nodes.go).
	nodes() nodeStore
}

// location is where a datastore's objects are.
type location struct {
	// group is the path to the objects, for messages: an APIGroups value, DatastoreEtcdV3, or ""
	// for the Kubernetes core API.
	group    string
	endpoint string // the API server's URL, or etcd's endpoints
	// timeout bounds each operation (request_timeout; client-go also bounds each of its
	// requests by it); 0: no bound.
	timeout time.Duration
	// silence shortens the bound while the datastore does not answer; nil: never.
	silence *silence
}

// bound is ctx limited for one operation by the location's timeout and its datastore's
// silence (see silence). err: the operation is not to be sent. release is always to be called.
func (l location) bound(ctx context.Context) (_ context.Context, release func(), err error) {
	return l.silence.bound(ctx, l.timeout)
}

// openDatastore is the one factory of datastores: Calico's etcd when the configuration says
// so, else the path to Calico's objects that the Kubernetes cluster serves (see pickAPIGroup),
// with the core API next to it. It checks that the datastore answers.
func openDatastore(ctx context.Context, cfg Config) (datastore, *coreClient, error) {
	timeout := cfg.RequestTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	if cfg.DatastoreType == DatastoreEtcdV3 {
		ds, err := openEtcdDatastore(ctx, cfg.Etcd, timeout)
		return ds, nil, err
	}
	rc, err := cfg.RESTConfig()
	if err != nil {
		if errors.Is(err, ErrNoCredentials) {
			return nil, nil, &Error{Class: ErrNoCredentials, Err: err}
		}
		return nil, nil, &Error{Class: ErrInvalidConfig, Err: err}
	}
	core, err := newCoreClient(rc)
	if err != nil {
		return nil, nil, &Error{Class: ErrInvalidConfig, Err: err}
	}
	// One discovery per provider process, asking only about the groups the choice needs.
	group, err := pickAPIGroup(cfg.APIGroup, func(group string) (groupState, error) {
		return probeGroup(ctx, core.rest, group)
	})
	if err != nil {
		return nil, nil, classify(err, OpConnect, location{endpoint: rc.Host}, "", "")
	}
	var ds datastore
	at := location{group: group, endpoint: rc.Host, timeout: timeout, silence: newSilence()}
	if group == APIGroupV3 {
		ds, err = newV3Datastore(rc, core, at)
	} else {
		ds, err = newCRDV1Datastore(rc, core, at)
	}
	if err != nil {
		return nil, nil, &Error{Class: ErrInvalidConfig, APIGroup: group, Err: err}
	}
	return ds, core, nil
}

// probeGroup asks the API server whether it serves an API group version.
func probeGroup(ctx context.Context, api rest.Interface, group string) (groupState, error) {
	err := api.Get().AbsPath("/apis/" + group).Do(ctx).Error()
	switch {
	case err == nil:
		return groupServed, nil
	case apierrors.IsNotFound(err):
		return groupAbsent, nil
	case apierrors.IsServiceUnavailable(err):
		return groupUnavailable, nil
	}
	return groupAbsent, classify(err, OpConnect, location{group: group}, "", "")
}

// groupState is what discovery says of an API group.
type groupState int

const (
	groupAbsent groupState = iota
	groupServed
	// groupUnavailable: registered with the aggregation layer, but its server does not answer.
	groupUnavailable
)

// pickAPIGroup decides the path from the calico_api_group setting and discovery. probe is
// asked only about the groups the decision needs.
func pickAPIGroup(setting string, probe func(group string) (groupState, error)) (string, error) {
	switch setting {
	case "", APIGroupAuto, APIGroupV3:
		state, err := probe(APIGroupV3)
		switch {
		case err != nil:
			return "", err
		case state == groupServed:
			return APIGroupV3, nil
		case state == groupUnavailable:
			return "", &Error{Class: ErrCalicoAPIUnavailable, APIGroup: APIGroupV3}
		case setting == APIGroupV3:
			return "", &Error{Class: ErrAPIGroupNotServed, APIGroup: APIGroupV3}
		}
		return pickV1(probe, ErrCalicoNotInstalled)
	case APIGroupCRDV1:
		return pickV1(probe, ErrAPIGroupNotServed)
	}
	return "", &Error{Class: ErrInvalidConfig, Err: fmt.Errorf("unknown Calico API group %q", setting)}
}

// pickV1 takes crd.projectcalico.org/v1 when it is served, else fails with class absent.
func pickV1(probe func(group string) (groupState, error), absent error) (string, error) {
	state, err := probe(APIGroupCRDV1)
	switch {
	case err != nil:
		return "", err
	case state == groupServed:
		return APIGroupCRDV1, nil
	}
	return "", &Error{Class: absent, APIGroup: APIGroupCRDV1}
}
