package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	etcd "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/calico-tf/terraform-provider-calico/hack/bench/peercalls"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// workers is the concurrency of the API floor, Terraform's default parallelism.
const workers = 10

// apiFloor makes the same API calls as the provider, as fast as the API allows: 10 workers
// and no client-side rate limit.
type apiFloor struct {
	peers peercalls.Calls
	// kube creates the calico_nodes measurement's Nodes on Kubernetes; kv, Calico Nodes on etcd.
	kube kubernetes.Interface
	kv   *etcd.Client
}

type floorPhases struct{ create, get, delete time.Duration }

func newAPIFloor(env *testenv.Env) (*apiFloor, error) {
	peers, err := peercalls.New(env)
	if err != nil {
		return nil, err
	}
	if !env.Mode.Kubernetes() {
		kv, err := env.EtcdClient()
		return &apiFloor{peers: peers, kv: kv}, err
	}
	cfg := env.RESTConfig()
	cfg.QPS, cfg.Burst = -1, 0 // no client-side throttling
	k, err := kubernetes.NewForConfig(cfg)
	return &apiFloor{peers: peers, kube: k}, err
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
	var p floorPhases
	name := func(i int) string { return fmt.Sprintf("floor-peer-%d", i) }
	var err error
	if p.create, err = parallel(n, func(i int) error {
		return a.peers.Create(ctx, name(i), fmt.Sprintf("10.%d.0.%d", i/250, i%250+1), uint32(65000+i%100))
	}); err != nil {
		return p, err
	}
	if p.get, err = parallel(n, func(i int) error { return a.peers.Get(ctx, name(i)) }); err != nil {
		return p, err
	}
	p.delete, err = parallel(n, func(i int) error { return a.peers.Delete(ctx, name(i)) })
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
			_, err = a.kv.Put(ctx, peercalls.EtcdKey("nodes", name), string(value))
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
		_, err := a.kv.Delete(ctx, peercalls.EtcdKey("nodes", "bench-node-"), etcd.WithPrefix())
		return err
	}
	return a.kube.CoreV1().Nodes().DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "bench-node=true"})
}
