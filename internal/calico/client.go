package calico

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	calicov3 "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/typed/projectcalico/v3"
	"github.com/projectcalico/calico/libcalico-go/lib/apiconfig"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
)

// Client is shared by every resource and data source of one provider instance. It connects
// lazily, once: a provider configured with values unknown at plan time (a cluster created in
// the same apply) still validates and plans. Connecting discovers which path to Calico's objects
// the cluster offers and picks the datastore for it.
type Client struct {
	cfg     Config
	unknown bool

	connectOnce sync.Once
	connectErr  error
	core        *coreClient
	ds          datastore

	snapshotsMu sync.Mutex
	snapshots   map[string]*snapshot

	versionAsked atomic.Bool

	namespaceOnce sync.Once
	namespace     string
	namespaceErr  error
}

// NewClient returns a client that connects on first use. No request is made here.
func NewClient(cfg Config) *Client {
	return &Client{cfg: cfg, snapshots: map[string]*snapshot{}}
}

// NewUnknownClient stands in when the provider configuration is not known yet; any use of the
// API reports that instead of failing obscurely.
func NewUnknownClient() *Client {
	return &Client{unknown: true, snapshots: map[string]*snapshot{}}
}

// Known says whether the client has a configuration to connect with (see NewUnknownClient).
func (c *Client) Known() bool { return !c.unknown }

// LogFields describes the configuration for structured logs, with no secret in it.
func (c *Client) LogFields() map[string]any { return c.cfg.redactedSummary() }

func (c *Client) connect(ctx context.Context) error {
	c.connectOnce.Do(func() { c.connectErr = c.doConnect(ctx) })
	return c.connectErr
}

func (c *Client) doConnect(ctx context.Context) error {
	if c.unknown {
		return &Error{Class: ErrConfigUnknown}
	}
	if c.cfg.DatastoreType == DatastoreEtcdV3 {
		ds, err := connectEtcd(ctx, c.cfg.Etcd)
		if err != nil {
			return err
		}
		c.ds = ds
		if c.cfg.OnConnect != nil {
			c.cfg.OnConnect(ctx, DatastoreEtcdV3)
		}
		return nil
	}
	rc, err := c.cfg.RESTConfig()
	if err != nil {
		if errors.Is(err, ErrNoCredentials) {
			return &Error{Class: ErrNoCredentials, Err: err}
		}
		return &Error{Class: ErrInvalidConfig, Err: err}
	}
	core, err := newCoreClient(rc)
	if err != nil {
		return &Error{Class: ErrInvalidConfig, Err: err}
	}
	// One discovery per provider process, asking only about the groups the choice needs.
	group, err := pickAPIGroup(c.cfg.APIGroup, func(group string) (groupState, error) {
		return probeGroup(ctx, core.rest, group)
	})
	if err != nil {
		return err
	}
	ds, err := newDatastore(group, rc, core)
	if err != nil {
		return &Error{Class: ErrInvalidConfig, APIGroup: group, Err: err}
	}
	c.core, c.ds = core, ds
	if c.cfg.OnConnect != nil {
		c.cfg.OnConnect(ctx, group)
	}
	return nil
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
	return groupAbsent, classify(err, group, "", "")
}

func newDatastore(group string, rc *rest.Config, core *coreClient) (datastore, error) {
	if group == APIGroupV3 {
		api, err := calicov3.NewForConfig(rc)
		if err != nil {
			return nil, err
		}
		return v3Datastore{api: api}, nil
	}
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
	return &libcalicoDatastore{group: group, api: api, format: crdV1Format{}, nodes: kubeNodeStore{},
		storedAt: func(resource string) storedObjects {
			return restStored{rest: core.rest, group: "crd.projectcalico.org", version: "v1", resource: resource}
		},
	}, nil
}

// coreAPI returns the Kubernetes core/v1 client, connecting first if needed. On etcd there is
// none: ErrNeedsKubernetes.
func (c *Client) coreAPI(ctx context.Context) (*coreClient, error) {
	if err := c.NeedsKubernetes(); err != nil {
		return nil, err
	}
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	return c.core, nil
}

// NeedsKubernetes says, without connecting, whether what needs the Kubernetes API itself (the
// Secrets of write-only BGP passwords) can work: not where Calico's objects are in etcd.
func (c *Client) NeedsKubernetes() error {
	if c.cfg.DatastoreType == DatastoreEtcdV3 {
		return &Error{Class: ErrNeedsKubernetes, APIGroup: DatastoreEtcdV3}
	}
	return nil
}
