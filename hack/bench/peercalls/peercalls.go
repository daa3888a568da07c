// Package peercalls makes the one API call each BGPPeer needs on the local Calico API's
// datastore (create, get or delete), with no work around it: the API floor's calls. make bench
// makes them flat out, as the API floor, and through the idle provider at the pace Terraform
// asks for them, which also counts what the datastore's own work costs a machine that Terraform
// keeps busy.
package peercalls

import (
	"context"
	"encoding/json"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	calicoclient "github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	etcd "go.etcd.io/etcd/client/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// Calls are one datastore's calls for BGPPeers, stored as Calico stores them there.
type Calls interface {
	Create(ctx context.Context, name, peerIP string, asNumber uint32) error
	Get(ctx context.Context, name string) error
	Delete(ctx context.Context, name string) error
}

// New returns the calls of the environment's datastore, with no client-side rate limit.
func New(env *testenv.Env) (Calls, error) {
	if !env.Mode.Kubernetes() {
		kv, err := env.EtcdClient()
		return etcdCalls{kv}, err
	}
	cfg := env.RESTConfig()
	cfg.QPS, cfg.Burst = -1, 0
	if env.Mode == testenv.ModeCRDv1 {
		d, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return nil, err
		}
		return v1Calls{d.Resource(schema.GroupVersionResource{Group: "crd.projectcalico.org", Version: "v1", Resource: "bgppeers"})}, nil
	}
	c, err := calicoclient.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return v3Calls{c}, nil
}

// v3Calls go to projectcalico.org/v3: the Calico API server, or native v3 CRDs.
type v3Calls struct{ calico calicoclient.Interface }

func (c v3Calls) Create(ctx context.Context, name, peerIP string, asNumber uint32) error {
	_, err := c.calico.ProjectcalicoV3().BGPPeers().Create(ctx, &v3.BGPPeer{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v3.BGPPeerSpec{PeerIP: peerIP, ASNumber: numorstring.ASNumber(asNumber)},
	}, metav1.CreateOptions{})
	return err
}

func (c v3Calls) Get(ctx context.Context, name string) error {
	_, err := c.calico.ProjectcalicoV3().BGPPeers().Get(ctx, name, metav1.GetOptions{})
	return err
}

func (c v3Calls) Delete(ctx context.Context, name string) error {
	return c.calico.ProjectcalicoV3().BGPPeers().Delete(ctx, name, metav1.DeleteOptions{})
}

// v1Calls write Calico's crd.projectcalico.org/v1 storage directly, as calicoctl stores it.
type v1Calls struct {
	peers dynamic.NamespaceableResourceInterface
}

func (c v1Calls) Create(ctx context.Context, name, peerIP string, asNumber uint32) error {
	_, err := c.peers.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "crd.projectcalico.org/v1", "kind": "BGPPeer",
		"metadata": map[string]any{"name": name},
		"spec":     map[string]any{"peerIP": peerIP, "asNumber": int64(asNumber)},
	}}, metav1.CreateOptions{})
	return err
}

func (c v1Calls) Get(ctx context.Context, name string) error {
	_, err := c.peers.Get(ctx, name, metav1.GetOptions{})
	return err
}

func (c v1Calls) Delete(ctx context.Context, name string) error {
	return c.peers.Delete(ctx, name, metav1.DeleteOptions{})
}

// etcdCalls write Calico's etcd keys directly, as Calico's library stores them.
type etcdCalls struct{ kv *etcd.Client }

// EtcdKey is where Calico's library keeps an object in etcd.
func EtcdKey(resource, name string) string {
	return "/calico/resources/v3/projectcalico.org/" + resource + "/" + name
}

func (c etcdCalls) Create(ctx context.Context, name, peerIP string, asNumber uint32) error {
	value, err := json.Marshal(map[string]any{"apiVersion": "projectcalico.org/v3", "kind": "BGPPeer",
		"metadata": map[string]any{"name": name}, "spec": map[string]any{"peerIP": peerIP, "asNumber": asNumber}})
	if err != nil {
		return err
	}
	_, err = c.kv.Put(ctx, EtcdKey("bgppeers", name), string(value))
	return err
}

func (c etcdCalls) Get(ctx context.Context, name string) error {
	_, err := c.kv.Get(ctx, EtcdKey("bgppeers", name))
	return err
}

func (c etcdCalls) Delete(ctx context.Context, name string) error {
	_, err := c.kv.Delete(ctx, EtcdKey("bgppeers", name))
	return err
}
