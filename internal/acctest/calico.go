package acctest

import (
	"context"
	"sync"
	"testing"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	calicoclient "github.com/projectcalico/api/pkg/client/clientset_generated/clientset"
	v3scheme "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/scheme"
	"github.com/projectcalico/calico/libcalico-go/lib/clientv3"
	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	"github.com/projectcalico/calico/libcalico-go/lib/options"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/gentype"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
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

// ObjectsOf is the registered kind's objects, out of band: through projectcalico.org/v3 as its
// generated client reaches them, or through Calico's library as calicoctl does.
func ObjectsOf[T calico.Object, L runtime.Object](c *CalicoObjects, kind *calico.KindDef[T, L]) Objects[T] {
	if c.lib != nil {
		return libObjects[T]{kind.Library(c.lib), kind.Plural}
	}
	return gentype.NewClientWithList(kind.Plural, c.v3.ProjectcalicoV3().RESTClient(), v3scheme.ParameterCodec, "",
		kind.New, func() L { return kind.NewList().(L) })
}

func (c *CalicoObjects) BGPConfigurations() Objects[*v3.BGPConfiguration] {
	return ObjectsOf(c, calico.BGPConfigurations)
}

func (c *CalicoObjects) BGPPeers() Objects[*v3.BGPPeer] { return ObjectsOf(c, calico.BGPPeers) }

func (c *CalicoObjects) BGPFilters() Objects[*v3.BGPFilter] { return ObjectsOf(c, calico.BGPFilters) }

func (c *CalicoObjects) IPPools() Objects[*v3.IPPool] { return ObjectsOf(c, calico.IPPools) }

func (c *CalicoObjects) CalicoNodeStatuses() Objects[*v3.CalicoNodeStatus] {
	return ObjectsOf(c, calico.CalicoNodeStatuses)
}

// libObjects gives clientv3 the shape of a generated client, its errors those of the
// Kubernetes API, so that checks read the same on every mode.
type libObjects[T any] struct {
	api      calico.LibraryClient[T]
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
