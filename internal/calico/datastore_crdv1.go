package calico

import (
	"encoding/json"
	"fmt"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/calico/libcalico-go/lib/apiconfig"
	"github.com/projectcalico/calico/libcalico-go/lib/backend/k8s/resources"
	"k8s.io/client-go/rest"
)

// newCRDV1Datastore reaches crd.projectcalico.org/v1, Calico's Kubernetes storage, through
// Calico's library as calicoctl does; Calico's nodes are the Kubernetes Nodes.
func newCRDV1Datastore(rc *rest.Config, core *coreClient, at location) (*libcalicoDatastore, error) {
	kubeconfig, err := inlineKubeconfig(rc)
	if err != nil {
		return nil, err
	}
	api, err := newLibcalicoClient(apiconfig.CalicoAPIConfigSpec{
		DatastoreType: apiconfig.Kubernetes,
		KubeConfig: apiconfig.KubeConfig{
			KubeconfigInline: string(kubeconfig),
			K8sClientQPS:     rc.QPS,
		},
	})
	if err != nil {
		return nil, err
	}
	return &libcalicoDatastore{at: at, api: api, format: crdV1Format{}, nodeStore: newKubeNodeStore(core, at),
		storedAt: func(resource string) storedObjects {
			return restStored{rest: core.rest, group: "crd.projectcalico.org", version: "v1", resource: resource}
		},
	}, nil
}

// crdV1Format: crd.projectcalico.org/v1 objects on Kubernetes, converted by the library.
type crdV1Format struct{}

func (crdV1Format) decode(b []byte, obj Object) error {
	if err := json.Unmarshal(b, obj); err != nil {
		return err
	}
	res, ok := any(obj).(resources.Resource)
	if !ok {
		return fmt.Errorf("%T is not a resource Calico's library converts", obj)
	}
	if err := resources.ConvertK8sResourceToCalicoResource(res); err != nil {
		return err
	}
	obj.GetObjectKind().SetGroupVersionKind(v3.SchemeGroupVersion.WithKind(obj.GetObjectKind().GroupVersionKind().Kind))
	return nil
}

func (crdV1Format) view(obj Object) (map[string]any, error) {
	res, ok := any(obj.DeepCopyObject()).(resources.Resource)
	if !ok {
		return nil, fmt.Errorf("%T is not a resource Calico's library converts", obj)
	}
	stored, err := resources.ConvertCalicoResourceToK8sResource(res)
	if err != nil {
		return nil, err
	}
	return jsonView(stored)
}
