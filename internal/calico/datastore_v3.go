package calico

import (
	v3scheme "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/scheme"
	calicov3 "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/typed/projectcalico/v3"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/gentype"
	"k8s.io/client-go/rest"
)

// v3Datastore reaches Calico through projectcalico.org/v3 on the Kubernetes API: the Calico API
// server (which validates, defaults and stores through Calico's library) or Calico 3.32's
// native v3 CRDs.
type v3Datastore struct {
	api       rest.Interface
	at        location
	nodeStore nodeStore
}

func newV3Datastore(rc *rest.Config, core *coreClient, at location) (v3Datastore, error) {
	api, err := calicov3.NewForConfig(rc)
	if err != nil {
		return v3Datastore{}, err
	}
	return v3Datastore{api: api.RESTClient(), at: at, nodeStore: newKubeNodeStore(core, at)}, nil
}

func (d v3Datastore) stored(resource string) storedObjects {
	return restStored{rest: d.api, group: "projectcalico.org", version: "v3", resource: resource}
}

func (d v3Datastore) location() location { return d.at }

func (d v3Datastore) nodes() nodeStore { return d.nodeStore }

// objects reaches the kind as its generated client would, by its plural.
func (d v3Datastore) objects(k kindEntry) objectStore {
	plural := k.info().Plural
	api := gentype.NewClientWithList[Object, runtime.Object](plural, d.api, v3scheme.ParameterCodec, "", k.newObject, k.newList)
	return restStore{api: api, stored: d.stored(plural), newObj: k.newObject}
}
