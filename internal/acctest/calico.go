package acctest

import (
	"context"
	"sync"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	calicoclient "github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	"github.com/projectcalico/calico/libcalico-go/lib/clientv3"
	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	"github.com/projectcalico/calico/libcalico-go/lib/options"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// CalicoObjects reads and changes Calico's objects out of band, independently of the provider
// under test, the way another tool would on that datastore: through projectcalico.org/v3 where
// the cluster serves it, else through Calico's library as calicoctl does (on Kubernetes or etcd).
type CalicoObjects struct {
	v3  calicoclient.Interface
	lib clientv3.Interface
}

var (
	calicoOnce    sync.Once
	calicoObjects *CalicoObjects
	calicoErr     error
)

// Calico returns the out-of-band client for the test cluster's mode.
func Calico(t *testing.T) *CalicoObjects {
	t.Helper()
	env := Cluster(t)
	calicoOnce.Do(func() {
		if env.Mode == testenv.ModeEtcd || env.Mode == testenv.ModeCRDv1 {
			var c clientv3.Interface
			c, calicoErr = env.LibraryClient()
			calicoObjects = &CalicoObjects{lib: c}
			return
		}
		var c calicoclient.Interface
		c, calicoErr = calicoclient.NewForConfig(env.RESTConfig())
		calicoObjects = &CalicoObjects{v3: c}
	})
	if calicoErr != nil {
		t.Fatal(calicoErr)
	}
	return calicoObjects
}

func (c *CalicoObjects) BGPConfigurations() Objects[*v3.BGPConfiguration] {
	if c.lib != nil {
		return libObjects[*v3.BGPConfiguration]{c.lib.BGPConfigurations(), "bgpconfigurations"}
	}
	return c.v3.ProjectcalicoV3().BGPConfigurations()
}

func (c *CalicoObjects) BGPPeers() Objects[*v3.BGPPeer] {
	if c.lib != nil {
		return libObjects[*v3.BGPPeer]{c.lib.BGPPeers(), "bgppeers"}
	}
	return c.v3.ProjectcalicoV3().BGPPeers()
}

func (c *CalicoObjects) BGPFilters() Objects[*v3.BGPFilter] {
	if c.lib != nil {
		return libObjects[*v3.BGPFilter]{c.lib.BGPFilter(), "bgpfilters"}
	}
	return c.v3.ProjectcalicoV3().BGPFilters()
}

func (c *CalicoObjects) IPPools() Objects[*v3.IPPool] {
	if c.lib != nil {
		return libObjects[*v3.IPPool]{c.lib.IPPools(), "ippools"}
	}
	return c.v3.ProjectcalicoV3().IPPools()
}

func (c *CalicoObjects) CalicoNodeStatuses() Objects[*v3.CalicoNodeStatus] {
	if c.lib != nil {
		return libObjects[*v3.CalicoNodeStatus]{c.lib.CalicoNodeStatus(), "caliconodestatuses"}
	}
	return c.v3.ProjectcalicoV3().CalicoNodeStatuses()
}

// libClient is what clientv3 offers for a cluster-scoped kind.
type libClient[T any] interface {
	Create(ctx context.Context, res T, opts options.SetOptions) (T, error)
	Update(ctx context.Context, res T, opts options.SetOptions) (T, error)
	Delete(ctx context.Context, name string, opts options.DeleteOptions) (T, error)
	Get(ctx context.Context, name string, opts options.GetOptions) (T, error)
}

// libObjects gives clientv3 the shape of a generated client, its errors those of the
// Kubernetes API, so that checks read the same on every mode.
type libObjects[T any] struct {
	api      libClient[T]
	resource string
}

func (o libObjects[T]) Get(ctx context.Context, name string, _ metav1.GetOptions) (T, error) {
	obj, err := o.api.Get(ctx, name, options.GetOptions{})
	return obj, o.statusError(err, name)
}

func (o libObjects[T]) Create(ctx context.Context, obj T, _ metav1.CreateOptions) (T, error) {
	out, err := o.api.Create(ctx, obj, options.SetOptions{})
	return out, o.statusError(err, "")
}

func (o libObjects[T]) Update(ctx context.Context, obj T, _ metav1.UpdateOptions) (T, error) {
	out, err := o.api.Update(ctx, obj, options.SetOptions{})
	return out, o.statusError(err, "")
}

func (o libObjects[T]) Delete(ctx context.Context, name string, _ metav1.DeleteOptions) error {
	_, err := o.api.Delete(ctx, name, options.DeleteOptions{})
	return o.statusError(err, name)
}

func (o libObjects[T]) statusError(err error, name string) error {
	if _, ok := err.(cerrors.ErrorResourceDoesNotExist); ok {
		return apierrors.NewNotFound(schema.GroupResource{Group: "projectcalico.org", Resource: o.resource}, name)
	}
	return err
}
