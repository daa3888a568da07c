package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	calicoclient "github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	etcd "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// workers is the concurrency of the API floor, Terraform's default parallelism.
const workers = 10

// apiFloor makes the same API calls as the provider, as fast as the API allows: 10 workers
// and no client-side rate limit.
type apiFloor struct {
	calico calicoclient.Interface
	kube   kubernetes.Interface
	// v1 writes Calico's crd.projectcalico.org/v1 storage directly, in the mode that has no
	// projectcalico.org/v3: the kube-apiserver's floor for those objects.
	v1 dynamic.NamespaceableResourceInterface
	// kv writes Calico's etcd keys directly, in the etcd mode: etcd's floor.
	kv *etcd.Client
}

type floorPhases struct{ create, get, delete time.Duration }

func newAPIFloor(env *testenv.Env) (*apiFloor, error) {
	if !env.Mode.Kubernetes() {
		kv, err := env.EtcdClient()
		return &apiFloor{kv: kv}, err
	}
	cfg := env.RESTConfig()
	cfg.QPS, cfg.Burst = -1, 0 // no client-side throttling
	c, err := calicoclient.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	k, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	a := &apiFloor{calico: c, kube: k}
	if env.Mode == testenv.ModeCRDv1 {
		d, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return nil, err
		}
		a.v1 = d.Resource(schema.GroupVersionResource{Group: "crd.projectcalico.org", Version: "v1", Resource: "bgppeers"})
	}
	return a, nil
}

// parallel runs fn(i) for i in [0, n) on the workers and returns the wall time.
func parallel(n int, fn func(i int) error) (time.Duration, error) {
	time.Sleep(settle)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	select {
	case err := <-errs:
		return 0, err
	default:
		return elapsed, nil
	}
}

func (a *apiFloor) cycle(ctx context.Context, n int) (floorPhases, error) {
	if a.v1 != nil {
		return a.cycleV1(ctx, n)
	}
	if a.kv != nil {
		return a.cycleEtcd(ctx, n)
	}
	var p floorPhases
	peers := a.calico.ProjectcalicoV3().BGPPeers()
	name := func(i int) string { return fmt.Sprintf("floor-peer-%d", i) }
	var err error
	if p.create, err = parallel(n, func(i int) error {
		_, err := peers.Create(ctx, &v3.BGPPeer{
			ObjectMeta: metav1.ObjectMeta{Name: name(i)},
			Spec:       v3.BGPPeerSpec{PeerIP: fmt.Sprintf("10.%d.0.%d", i/250, i%250+1), ASNumber: numorstring.ASNumber(65000 + i%100)},
		}, metav1.CreateOptions{})
		return err
	}); err != nil {
		return p, err
	}
	if p.get, err = parallel(n, func(i int) error {
		_, err := peers.Get(ctx, name(i), metav1.GetOptions{})
		return err
	}); err != nil {
		return p, err
	}
	p.delete, err = parallel(n, func(i int) error { return peers.Delete(ctx, name(i), metav1.DeleteOptions{}) })
	return p, err
}

// createNodes creates n Nodes labelled for the calico_nodes measurement (Calico Nodes on etcd).
func (a *apiFloor) createNodes(ctx context.Context, n int) error {
	if a.kv != nil {
		_, err := parallel(n, func(i int) error {
			name := fmt.Sprintf("bench-node-%05d", i)
			bgp := map[string]any{"ipv4Address": benchNodeIP(i), "asNumber": 65100 + i%50}
			if id := benchClusterID(i); id != "" {
				bgp["routeReflectorClusterID"] = id
			}
			value, err := json.Marshal(map[string]any{"apiVersion": "projectcalico.org/v3", "kind": "Node",
				"metadata": map[string]any{"name": name, "labels": benchNodeLabels(i)}, "spec": map[string]any{"bgp": bgp}})
			if err != nil {
				return err
			}
			_, err = a.kv.Put(ctx, etcdKey("nodes", name), string(value))
			return err
		})
		return err
	}
	_, err := parallel(n, func(i int) error {
		annotations := map[string]string{"projectcalico.org/IPv4Address": benchNodeIP(i), "projectcalico.org/ASNumber": fmt.Sprint(65100 + i%50)}
		if id := benchClusterID(i); id != "" {
			annotations["projectcalico.org/RouteReflectorClusterID"] = id
		}
		_, err := a.kube.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{
			Name: fmt.Sprintf("bench-node-%05d", i), Labels: benchNodeLabels(i), Annotations: annotations,
		}}, metav1.CreateOptions{})
		return err
	})
	return err
}

// The bench's nodes are in 50 racks, one AS each; the first two nodes of each rack are its
// route reflectors, with the rack's cluster ID and the route-reflector label.
func benchNodeIP(i int) string {
	return fmt.Sprintf("10.%d.%d.%d/16", 100+i/65536, i/256%256, i%256)
}

func benchClusterID(i int) string {
	if i >= 100 {
		return ""
	}
	return fmt.Sprintf("244.0.%d.1", i%50)
}

func benchNodeLabels(i int) map[string]string {
	labels := map[string]string{"bench-node": "true", "rack": fmt.Sprintf("rack%d", i%50)}
	if benchClusterID(i) != "" {
		labels["route-reflector"] = "true"
	}
	return labels
}

func (a *apiFloor) deleteNodes(ctx context.Context) error {
	if a.kv != nil {
		_, err := a.kv.Delete(ctx, etcdKey("nodes", "bench-node-"), etcd.WithPrefix())
		return err
	}
	return a.kube.CoreV1().Nodes().DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "bench-node=true"})
}

// cycleV1 is cycle on Calico's v1 CRDs: the objects as calicoctl stores them.
func (a *apiFloor) cycleV1(ctx context.Context, n int) (floorPhases, error) {
	var p floorPhases
	name := func(i int) string { return fmt.Sprintf("floor-peer-%d", i) }
	var err error
	if p.create, err = parallel(n, func(i int) error {
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "crd.projectcalico.org/v1", "kind": "BGPPeer",
			"metadata": map[string]any{"name": name(i)},
			"spec":     map[string]any{"peerIP": fmt.Sprintf("10.%d.0.%d", i/250, i%250+1), "asNumber": int64(65000 + i%100)},
		}}
		_, err := a.v1.Create(ctx, obj, metav1.CreateOptions{})
		return err
	}); err != nil {
		return p, err
	}
	if p.get, err = parallel(n, func(i int) error {
		_, err := a.v1.Get(ctx, name(i), metav1.GetOptions{})
		return err
	}); err != nil {
		return p, err
	}
	p.delete, err = parallel(n, func(i int) error { return a.v1.Delete(ctx, name(i), metav1.DeleteOptions{}) })
	return p, err
}

// etcdKey is where Calico's library keeps an object in etcd.
func etcdKey(resource, name string) string {
	return "/calico/resources/v3/projectcalico.org/" + resource + "/" + name
}

// cycleEtcd is cycle on Calico's etcd: the objects' keys, as Calico's library stores them.
func (a *apiFloor) cycleEtcd(ctx context.Context, n int) (floorPhases, error) {
	var p floorPhases
	key := func(i int) string { return etcdKey("bgppeers", fmt.Sprintf("floor-peer-%d", i)) }
	var err error
	if p.create, err = parallel(n, func(i int) error {
		value, err := json.Marshal(map[string]any{"apiVersion": "projectcalico.org/v3", "kind": "BGPPeer",
			"metadata": map[string]any{"name": fmt.Sprintf("floor-peer-%d", i)},
			"spec":     map[string]any{"peerIP": fmt.Sprintf("10.%d.0.%d", i/250, i%250+1), "asNumber": 65000 + i%100}})
		if err != nil {
			return err
		}
		_, err = a.kv.Put(ctx, key(i), string(value))
		return err
	}); err != nil {
		return p, err
	}
	if p.get, err = parallel(n, func(i int) error {
		_, err := a.kv.Get(ctx, key(i))
		return err
	}); err != nil {
		return p, err
	}
	p.delete, err = parallel(n, func(i int) error {
		_, err := a.kv.Delete(ctx, key(i))
		return err
	})
	return p, err
}
