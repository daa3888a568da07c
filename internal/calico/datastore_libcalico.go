package calico

import (
	"context"
	"io"
	"sync"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/calico/libcalico-go/lib/apiconfig"
	"github.com/projectcalico/calico/libcalico-go/lib/clientv3"
	"github.com/projectcalico/calico/libcalico-go/lib/options"
	"github.com/sirupsen/logrus"
	"k8s.io/apimachinery/pkg/runtime"
)

// libcalicoDatastore reaches Calico's objects through Calico's own client library, libcalico-go's
// clientv3: the code calicoctl and the Calico API server store objects with. It validates and
// defaults as they do and keeps Calico's storage format, so what the provider writes is what
// calicoctl would have written.
type libcalicoDatastore struct {
	group string
	api   clientv3.Interface
}

var quietLibraryLogs sync.Once

// newLibcalicoDatastore connects Calico's library. Nothing is sent to the cluster here.
func newLibcalicoDatastore(group string, spec apiconfig.CalicoAPIConfigSpec) (*libcalicoDatastore, error) {
	// The library logs through logrus to stderr, which Terraform would show as provider noise;
	// its failures come back as errors, which the provider reports.
	quietLibraryLogs.Do(func() {
		logrus.SetOutput(io.Discard)
		logrus.SetLevel(logrus.PanicLevel)
	})
	api, err := clientv3.New(apiconfig.CalicoAPIConfig{Spec: spec})
	if err != nil {
		return nil, err
	}
	return &libcalicoDatastore{group: group, api: api}, nil
}

func (d *libcalicoDatastore) apiGroup() string { return d.group }

func (d *libcalicoDatastore) bgpConfigurations() objectStore[*v3.BGPConfiguration] {
	return libcalicoStore[*v3.BGPConfiguration, *v3.BGPConfigurationList]{d.api.BGPConfigurations()}
}

func (d *libcalicoDatastore) bgpPeers() objectStore[*v3.BGPPeer] {
	return libcalicoStore[*v3.BGPPeer, *v3.BGPPeerList]{d.api.BGPPeers()}
}

func (d *libcalicoDatastore) bgpFilters() objectStore[*v3.BGPFilter] {
	return libcalicoStore[*v3.BGPFilter, *v3.BGPFilterList]{d.api.BGPFilter()}
}

func (d *libcalicoDatastore) ipPools() objectStore[*v3.IPPool] {
	return libcalicoStore[*v3.IPPool, *v3.IPPoolList]{d.api.IPPools()}
}

func (d *libcalicoDatastore) calicoNodeStatuses() objectStore[*v3.CalicoNodeStatus] {
	return libcalicoStore[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList]{d.api.CalicoNodeStatus()}
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
	api libcalicoClient[T, L]
}

func (s libcalicoStore[T, L]) Get(ctx context.Context, name string) (T, error) {
	return s.api.Get(ctx, name, options.GetOptions{})
}

func (s libcalicoStore[T, L]) Create(ctx context.Context, obj T) (T, error) {
	return s.api.Create(ctx, obj, options.SetOptions{})
}

func (s libcalicoStore[T, L]) Update(ctx context.Context, obj T) (T, error) {
	return s.api.Update(ctx, obj, options.SetOptions{})
}

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
